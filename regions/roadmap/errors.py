class ReadError(ValueError):
    """A value of a roadmap — a period, an item number, a whole table — that cannot be read as written; the message
    is a sentence for the person who wrote it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
