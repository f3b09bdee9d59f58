"""The Changgu application: session, pipeline wiring, Qt UI, CLI, settings and the model manager."""
