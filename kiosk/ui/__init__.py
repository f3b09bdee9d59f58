"""The Qt interface: the visitor's screen, the staff's screen, and how they are laid out."""
