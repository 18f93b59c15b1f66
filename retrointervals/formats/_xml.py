"""XML shared by the TCX, ZWO and QZ modules: one hardened parser, element helpers, and small writing helpers.

Reading: ``parse`` is the only way our readers turn bytes into a tree. It refuses input over the size bound before
parsing, never resolves entities, never loads a DTD or anything from the network or the disk (a resolver refuses
every external load as a second line of defence), refuses any document with a DOCTYPE (so no entity tricks such as
"billion laughs"), keeps libxml2's depth and text-size limits (``huge_tree=False``), and turns every lxml error into
``FormatError`` with the line number.

Writing: ``LimitReport`` (the formats' one ``ChangeLog``) applies a ``Policy``; ``decimal``
writes exact numbers; ``serialize`` gives the bytes of a document. (The model refuses text XML cannot hold, such as
U+FFFF, so writers need no check of their own.)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from fractions import Fraction
from typing import TypeVar, cast

from lxml import etree

from retrointervals._files import check_size
from retrointervals.errors import FormatError, Place, ValidationError
from retrointervals.formats import ChangeLog, ReadOptions
from retrointervals.limits import MAX_ECHO_CHARACTERS, MAX_FILE_NUMBER, MAX_NUMBER_CHARACTERS, echo
from retrointervals.units import MAX_INCLINE_PCT, MIN_INCLINE_PCT, Incline, Rounding

__all__ = [
    "ElementReader",
    "LimitReport",
    "attributes",
    "children",
    "collapse",
    "decimal",
    "first_child",
    "line_of",
    "local_name",
    "location",
    "log_entries",
    "number",
    "parse",
    "parse_number",
    "plain_text",
    "serialize",
    "text_of",
]

_T = TypeVar("_T")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")  # what the model refuses (tab and line feed aside)
_XML_SPACE = re.compile("[ \t\n\r]+")
_DOCTYPE_REFUSED = "documents with a DOCTYPE (DTDs, entities) are refused"
_DOCTYPE_MARKERS = tuple(
    "<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_LXML_PLACE = re.compile(r", line (\d+), column (\d+)\s*$")
_MARKUP_SLACK = 1000  # declarations, comments and the document's own elements
_NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d{1,3})?\s*$")


class _ExternalLoadRefusedError(Exception):
    """Raised by our resolver if libxml2 ever tries to load an external resource."""


class _RefuseAll(etree.Resolver):
    # The parser options already forbid external loads; this catches any path that would still try one.
    def resolve(self, system_url: str, public_id: str, context: object) -> None:  # type: ignore[override]  # stubs lack context
        raise _ExternalLoadRefusedError(system_url)


def _parser(*, recover: bool = False) -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )
    parser.resolvers.add(_RefuseAll())
    return parser


class ElementReader:
    """Base of the readers: the options and change log of a read, places of elements, model errors placed."""

    def __init__(self, source: str, options: ReadOptions) -> None:
        self.source = source
        self.options = options
        self.log = ChangeLog(options.policy)
        self._known: dict[object, object] = {}

    def once(self, key: object, read: Callable[[], _T]) -> _T:
        """What ``read`` gives, read once per distinct ``key`` of a document unless it reported a change.

        Files repeat their steps (repeats are unrolled); a step whose reading changed something is read again, so
        that each change is reported where it happens.
        """
        if key in self._known:
            return cast("_T", self._known[key])
        before = len(self.log.changes)
        value = read()
        if len(self.log.changes) == before:
            self._known[key] = value
        return value

    def incline_from(self, text: str, what: str, element: etree._Element, *, scale: int = 1) -> Incline:
        """The model's incline nearest ``text`` x ``scale`` percent (cut to its range); a change unless exact."""
        found = _incline_of_text(text, scale)
        if found is None:  # not a number: say so
            self.number(text, what, element)
            raise AssertionError(text)  # pragma: no cover - the line above raises
        incline, exact = found
        if not exact:
            self.log.hit(
                self.where(element),
                f"inclines are multiples of 0.1 % from {MIN_INCLINE_PCT} to {MAX_INCLINE_PCT} %",
                f"read {what} {text.strip()} as {incline.in_percent:g} %",
            )
        return incline

    def where(self, element: etree._Element) -> Place:
        """The file and line of ``element``."""
        return location(self.source, line_of(element))

    def number(self, text: str, what: str, element: etree._Element) -> Fraction:
        """``number`` with the element's place worked out only when the text is not a number."""
        value = _parsed_number(text)
        if isinstance(value, Fraction):
            return value
        raise FormatError(f"{what} {value}", self.where(element))

    def building(self, element: etree._Element) -> AbstractContextManager[None]:
        """Report a model ``ValidationError`` at the line of the element being read."""
        return self.building_at(self.where(element))

    @contextmanager
    def building_at(self, place: Place) -> Iterator[None]:
        """Report a model ``ValidationError`` at ``place``."""
        try:
            yield
        except ValidationError as error:
            raise FormatError(str(error), place) from None


def location(source: str, line: int | None) -> Place:
    """The place of a line in a source (rendered ``"file.tcx, line 3"``)."""
    return Place(source=source, line=line or None)


def parse(
    data: bytes, source: str = "", *, allow_undeclared_prefixes: bool = False, max_elements: int | None = None
) -> etree._Element:
    """Parse untrusted bytes into an element tree, safely.

    Args:
        data: The document.
        source: Where it came from (a file name), used in error messages.
        allow_undeclared_prefixes: Accept a document that is well-formed XML but uses a namespace prefix it never
            declares (real TCX fragments write ``xsi:type`` without declaring ``xsi``); such attributes then keep
            their prefixed name, e.g. ``"xsi:type"``.
        max_elements: More elements than any document of the format the model can hold has: a document that
            cannot have fewer (counted by its ``<`` characters, before parsing) is refused at once.

    Raises:
        FormatError: The input is too large, has too many elements, is empty, not well-formed, has a DOCTYPE, or
            tries to load anything.
    """
    check_size(data, source or "input")
    if not data.strip():
        raise FormatError("the file is empty", source)
    # Every element needs a "<" (a start tag, and an end tag unless it is empty): a cheap bound before parsing.
    if max_elements is not None and data.count(b"<") > 2 * max_elements + _MARKUP_SLACK:
        raise FormatError(f"the document has more than {max_elements} elements, more than any workout needs", source)
    # Refuse a DOCTYPE before parsing: libxml2 expands internal entities inside attribute values even when told
    # not to resolve entities (only its amplification limit stops a "billion laughs" there).
    if any(marker in data for marker in _DOCTYPE_MARKERS):
        raise FormatError(_DOCTYPE_REFUSED, location(source, _doctype_line(data)))
    try:
        try:
            root = _parse_tree(data)
        except _MalformedError as error:
            if not (allow_undeclared_prefixes and error.namespace_only):
                raise
            root = _parse_tree(data, recover=True)
    except _MalformedError as error:
        found = _LXML_PLACE.search(error.message)
        message = _cut(error.message[: found.start()] if found else error.message)
        column = int(found.group(2)) if found and error.line else None
        where = Place(source=source, line=error.line or None, column=column)
        raise FormatError(f"not well-formed XML: {message.strip()}", where) from None
    except _ExternalLoadRefusedError as error:
        raise FormatError(f"refused to load the external resource {error}", source) from None
    tree = root.getroottree()
    docinfo = tree.docinfo
    # getattr: lxml-stubs lack DocInfo.doctype and type the DTDs as never None.
    dtds = [getattr(docinfo, name, None) for name in ("internalDTD", "externalDTD")]
    if getattr(docinfo, "doctype", "") or any(dtd is not None for dtd in dtds):
        raise FormatError(_DOCTYPE_REFUSED, location(source, _doctype_line(data)))
    return root


class _MalformedError(Exception):
    def __init__(self, message: str, line: int | None, *, namespace_only: bool) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.namespace_only = namespace_only


def _parse_tree(data: bytes, *, recover: bool = False) -> etree._Element:
    """Parse with the hardened parser, without ``parse``'s DOCTYPE check.

    In recover mode, only namespace errors (undeclared prefixes) are forgiven; anything else is still malformed.
    """
    parser = _parser(recover=recover)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        # The parser's own log: the exception's log may also hold entries from earlier parses in this thread.
        entries = log_entries(parser.error_log)
        namespace_only = bool(entries) and all(domain == "NAMESPACE" for domain, _, _ in entries)
        raise _MalformedError(error.msg, error.lineno, namespace_only=namespace_only) from None
    if recover:
        serious = [(line, message) for domain, line, message in log_entries(parser.error_log) if domain != "NAMESPACE"]
        if serious or root is None:
            line, message = serious[0] if serious else (1, "no root element")
            raise _MalformedError(message, line, namespace_only=False)
    return root


def _cut(message: str) -> str:
    """libxml2's message, cut to a readable length (it quotes names from the file, which may be huge)."""
    message = message.strip()
    longest = 3 * MAX_ECHO_CHARACTERS
    return f"{message[:longest]}... ({len(message)} characters)" if len(message) > longest else message


def _doctype_line(data: bytes) -> int:
    index = data.find(b"<!DOCTYPE")
    return data.count(b"\n", 0, index) + 1 if index >= 0 else 1


# --- reading helpers ---------------------------------------------------------------------------


def log_entries(log: object) -> list[tuple[str, int, str]]:
    """``(domain name, line, message)`` of each entry of an lxml error log (lxml-stubs cannot iterate one)."""
    entries: Iterable[object] = log  # type: ignore[assignment]
    return [
        (
            str(getattr(entry, "domain_name", "")),
            int(getattr(entry, "line", 0) or 0),
            str(getattr(entry, "message", "")),
        )
        for entry in entries
    ]


def line_of(element: etree._Element) -> int | None:
    """The line an element starts on, if known."""
    line: object = element.sourceline
    return line if isinstance(line, int) else None


@functools.lru_cache(maxsize=1024)  # bounded: the names come from files; they repeat on every element
def local_name(name: str) -> str:
    """The local part of a tag or attribute name: ``"{ns}Step"`` -> ``"Step"``, ``"xsi:type"`` -> ``"type"``."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def children(
    element: etree._Element, name: str | None = None, *, ignore_case: bool = False
) -> Iterator[etree._Element]:
    """The child elements (not comments) of ``element``, optionally only those with local name ``name``."""
    wanted = name.lower() if name is not None and ignore_case else name
    for child in element:
        tag: object = child.tag  # comments and processing instructions have a function here
        if not isinstance(tag, str):
            continue
        if wanted is None:
            yield child
            continue
        found = local_name(tag)
        if (found.lower() if ignore_case else found) == wanted:
            yield child


def first_child(element: etree._Element, name: str, *, ignore_case: bool = False) -> etree._Element | None:
    """The first child element with local name ``name``, or None."""
    return next(children(element, name, ignore_case=ignore_case), None)


def text_of(element: etree._Element | None) -> str | None:
    """The text directly inside an element ("" when empty), or None when there is no element."""
    if element is None:
        return None
    return element.text or ""


def attributes(element: etree._Element) -> dict[str, str]:
    """The element's attributes by lower-case local name (``TimeOffset`` and ``timeoffset`` are the same)."""
    return {_attribute_key(str(key)): str(value) for key, value in element.attrib.items()}


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def _attribute_key(name: str) -> str:
    return local_name(name).lower()


def number(text: str, what: str, where: str | Place) -> Fraction:
    """A decimal number from a file as an exact fraction (``"0.95"`` is 19/20).

    Raises:
        FormatError: ``text`` is not a plain decimal number, or has more digits than any workout value needs
            (checked before converting: Python refuses integers of over 4,300 digits).
    """
    value = _parsed_number(text)
    if isinstance(value, Fraction):
        return value
    raise FormatError(f"{what} {value}", where)


def parse_number(text: str) -> Fraction | str:
    """The number in ``text``, or what is wrong with it (cached: files repeat their numbers)."""
    return _parsed_number(text)


@functools.lru_cache(maxsize=4096)  # files repeat their numbers; bounded, since the keys come from the file
def _parsed_number(text: str) -> Fraction | str:
    """The number, or what is wrong with it (to follow the field's name in the message)."""
    stripped = text.strip()
    if len(stripped) > MAX_NUMBER_CHARACTERS:
        return f"has {len(stripped)} characters, more than any workout number"
    if not _NUMBER.match(text):
        return f"must be a number, not {echo(text)}"
    value = Fraction(stripped)
    if abs(value) > MAX_FILE_NUMBER:  # far beyond any workout value; keeps giant numbers out of the model
        return f"is out of range: {echo(stripped)}"
    return value


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def _incline_of_text(text: str, scale: int) -> tuple[Incline, bool] | None:
    """The model's incline nearest ``text`` x ``scale`` percent (cut to its range), and whether it is exact."""
    value = _parsed_number(text)
    if not isinstance(value, Fraction):
        return None
    percent = value * scale
    incline = Incline.percent(min(max(percent, MIN_INCLINE_PCT), MAX_INCLINE_PCT), Rounding.NEAREST)
    return incline, Fraction(incline.tenths, 10) == percent


def plain_text(text: str, max_length: int, *, single_line: bool = True) -> str:
    """Foreign text made acceptable to the model: control characters become spaces, then it is shortened.

    Readers use it for names, cues and descriptions of files written by other tools.
    """
    cleaned = _CONTROL.sub(" ", text)
    if single_line:
        cleaned = cleaned.replace("\n", " ").replace("\t", " ")
    if len(cleaned) > max_length:
        cleaned = cleaned[: max_length - 1].rstrip() + "\u2026"
    return cleaned


def collapse(text: str) -> str:
    """XML Schema's whitespace collapse (only space, tab, CR and LF count), as for TCX names."""
    return _XML_SPACE.sub(" ", text).strip(" ")


# --- writing helpers ---------------------------------------------------------------------------


#: The writers' name for the one ``ChangeLog`` (kept for compatibility).
LimitReport = ChangeLog


def decimal(value: Fraction, places: int) -> str:
    """``value`` as a plain decimal, rounded half to even to at most ``places`` places: 37/100 -> ``"0.37"``."""
    scaled = round(value * 10**places)
    sign = "-" if scaled < 0 else ""
    whole, fraction = divmod(abs(scaled), 10**places)
    digits = f"{fraction:0{places}d}".rstrip("0") if places else ""
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"


def serialize(root: etree._Element) -> bytes:
    """The document as UTF-8 bytes with an XML declaration, indented, ending in a newline."""
    etree.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)
