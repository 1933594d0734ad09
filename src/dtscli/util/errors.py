"""Errors meant for the user: one clear line, never a traceback."""


class DtsError(Exception):
    """A problem the user can fix; the CLI prints it and exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
