"""Every name derived from a domain name: class, table, modules, URL prefix, tags."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from gospel_scaffold.domain.inflection import engine
from gospel_scaffold.domain.reserved import SNAKE_CASE, reason_name_is_refused
from gospel_scaffold.errors import InvalidInputError

__all__ = ["DomainNames", "domain_names", "pascal_case", "plural_of", "singular_of"]


@dataclass(frozen=True)
class DomainNames:
    """The names of one domain, all derived from its singular and plural forms.

    Attributes:
        singular: Snake-case singular (``payment``, ``invoice_item``): variables, relationships.
        plural: Snake-case plural (``payments``): table, modules, back-populated collections.
        class_name: Model class (``Payment``); schemas and services are prefixed with it.
        table: Table name, the plural.
        module: Module name used under ``app/models``, ``app/schemas``, ``app/api/routes``.
        url_prefix: The router prefix (``/payments``, ``/invoice-items``).
        tag: The OpenAPI tag (``Payments``, ``Invoice Items``).
        title: Human singular (``payment``, ``invoice item``) for messages.
    """

    singular: str
    plural: str
    class_name: str
    table: str
    module: str
    url_prefix: str
    tag: str
    title: str

    @property
    def repository_module(self) -> str:
        """Module name of the repository (``payments_repository``)."""
        return f"{self.module}_repository"

    @property
    def service_module(self) -> str:
        """Module name of the service (``payments_service``)."""
        return f"{self.module}_service"

    def describe(self) -> str:
        """Return the derived names people should check: ``class Payment, table payments...``."""
        return f"class {self.class_name}, table {self.table}, URL prefix {self.url_prefix}"

    def to_json(self) -> dict[str, Any]:
        """Return the names as a JSON-ready mapping."""
        return asdict(self)


def pascal_case(snake: str) -> str:
    """Return ``invoice_item`` as ``InvoiceItem``."""
    return "".join(part.capitalize() for part in snake.split("_"))


def singular_of(word: str) -> str:
    """Return the singular of a snake-case word (``featured_tags`` -> ``featured_tag``).

    A word inflect reads as singular already (``staff``) is returned as it is.
    """
    head, _, last = word.rpartition("_")
    singular = engine().singular_noun(last)
    if singular is False or not isinstance(singular, str):
        return word
    return f"{head}_{singular}" if head else singular


def plural_of(word: str) -> str:
    """Return the plural of a snake-case word (``invoice_item`` -> ``invoice_items``)."""
    head, _, last = word.rpartition("_")
    plural = str(engine().plural_noun(last))
    return f"{head}_{plural}" if head else plural


def _refuse_mangled_singular(name: str, singular: str) -> None:
    # inflect reads "bus" as the plural of "bu": a word whose own plural is not just "+s"
    # ("buses", "campuses") is already singular, so deriving a singular from it mangles it.
    last = name.rpartition("_")[2]
    own_plural = str(engine().plural_noun(last))
    if own_plural in (last, last + "s"):
        return
    plural = name.removesuffix(last) + own_plural
    # inflect cannot tell "bus" (singular) from "menus" (plural of "menu"): ask, with both.
    raise InvalidInputError(
        f"Domain name {name!r} may be singular or plural (class {pascal_case(singular)!r}?); "
        f"say which with --singular {name} --plural {plural}, or --singular {singular} "
        f"--plural {name}"
    )


def _check(name: str, what: str, *, sql: bool = False) -> None:
    # Only the plural reaches SQL (as the table name): `orders` (singular `order`) is fine.
    if not SNAKE_CASE.match(name):
        raise InvalidInputError(
            f"{what} {name!r} is not valid: use lower-case snake_case such as 'payments' or "
            "'invoice_items'"
        )
    reason = reason_name_is_refused(name, sql=sql)
    if reason is not None:
        if sql and reason_name_is_refused(name, sql=False) is None:
            raise InvalidInputError(
                f"{what} {name!r} would name the table, and it {reason}; choose another name, "
                f"or set the names with --singular NAME --plural NAME"
            )
        raise InvalidInputError(
            f"{what} {name!r} {reason}; choose another name (for example 'customer_{name}'), "
            "or set the names with --singular NAME --plural NAME"
        )


def domain_names(
    name: str, *, singular: str | None = None, plural: str | None = None
) -> DomainNames:
    """Derive every name of a domain from singular or plural input.

    ``payments`` and ``payment`` both give class ``Payment`` and table ``payments``.
    ``singular``/``plural`` override what inflect gets wrong.

    Args:
        name: The domain name as typed, singular or plural.
        singular: Explicit singular form.
        plural: Explicit plural form.

    Returns:
        The derived names.

    Raises:
        InvalidInputError: A name is not snake_case, is a keyword, builtin or SQL reserved word,
            or is a singular inflect would mangle (``bus``: pass ``--singular``/``--plural``).
    """
    _check(name, "Domain name")
    for given, what in ((singular, "--singular"), (plural, "--plural")):
        if given is not None:
            _check(given, what)
    if singular is None and plural is None:
        singular = singular_of(name)
        if singular != name:
            _refuse_mangled_singular(name, singular)
        plural = name if singular != name else plural_of(name)
    elif singular is None:
        assert plural is not None
        singular = name if name != plural else singular_of(plural)
    elif plural is None:
        plural = name if name != singular else plural_of(singular)
    _check(singular, "Singular form")
    _check(plural, "Plural form (the table)", sql=True)
    words = plural.split("_")
    return DomainNames(
        singular=singular,
        plural=plural,
        class_name=pascal_case(singular),
        table=plural,
        module=plural,
        url_prefix="/" + "-".join(words),
        tag=" ".join(word.capitalize() for word in words),
        title=singular.replace("_", " "),
    )
