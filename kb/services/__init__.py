"""The service layer: the only code that changes data, each operation checked and whole."""
