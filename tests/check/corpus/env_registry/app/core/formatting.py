def describe(value: object) -> str:
    match value:
        case int():
            return "number"
        case _:
            return "other"
