"""One module per stage: decode -> process -> send, or dead-letter. See base.py."""
