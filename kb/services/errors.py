"""Domain errors raised by services; views turn them into 404, 403 and form errors."""


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know it exists."""


class Forbidden(DomainError):
    """The actor may not do this."""


class Invalid(DomainError):
    """Input was refused; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"": errors}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in errors.items()))


class ImportInvalid(Invalid):
    """An import was refused; `problems` lists (position, ref, field, message)."""

    def __init__(self, problems: list[tuple[int, str | None, str, str]]):
        self.problems = problems
        lines = [describe_problem(*problem) for problem in problems]
        super().__init__({"": "\n".join(lines)})


def describe_problem(position: int, ref: str | None, field: str, message: str) -> str:
    """One line naming the record (position and ref), the field and what is wrong."""
    where = f"record {position}" + (f" (ref {ref!r})" if ref else "")
    return f"{where}: {field}: {message}" if field else f"{where}: {message}"
