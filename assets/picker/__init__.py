"""The visitor's phrase picker: topic icons and names, and its interface text."""
