"""Sub-commands of the `changgu` CLI, one module per topic.

Each module defines ``register(subparsers)`` which adds its parsers and sets ``func`` on them;
``func(args)`` returns the process exit code.
"""
