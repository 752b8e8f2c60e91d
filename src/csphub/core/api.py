"""What every domain's API routes share below the web layer: input types with their limits and
the one error shape's schema. The API object, token auth and the error handlers live in
csphub.web.api, which mounts each domain's Router."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from django.utils import timezone
from ninja import Field, Path, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict

from csphub.audit.models import AuditEntry
from csphub.core.listing import MAX_LIMIT, Slice, Window

API = AuditEntry.Channel.API
MAX_ID = 2**53


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters; refuse them as bad input, not a server error.
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


def text(max_length: int) -> Any:
    return Annotated[str, Field(max_length=max_length), AfterValidator(_no_nul)]


def _reason_given(value: str) -> str:
    if not value.strip():
        raise ValueError("say why the record is corrected (it is kept in its history)")
    return value.strip()


#: Why a record is corrected (kept on its history row, at most 100 characters): a blank one is
#: refused on the body's own field, ``reason``.
Reason = Annotated[str, Field(max_length=100, description="Why the record is corrected: kept in its history"),
                   AfterValidator(_no_nul), AfterValidator(_reason_given)]


EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
DATE_RANGE = f"{EARLIEST} to {LATEST}"


def _in_range(value: date) -> date:
    # Far dates are bad input, not a server error: the services add days and months to them.
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"dates must be from {DATE_RANGE}")
    return value


def _in_range_utc(value: datetime) -> datetime:
    # Checked before converting (which could overflow); kept in UTC, as PostgreSQL only stores
    # offsets up to 15:59 and Python allows up to 23:59. Without an offset: UK time.
    _in_range(value.date())
    if not timezone.is_aware(value):
        value = timezone.make_aware(value)
    return value.astimezone(UTC)


Day = Annotated[date, Field(description=DATE_RANGE), AfterValidator(_in_range)]
Moment = Annotated[datetime, Field(description=f"{DATE_RANGE}; without an offset, UK time"),
                   AfterValidator(_in_range_utc)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]


class RequestBody(Schema):
    """What every JSON body a route takes is built from: a field the route does not take is
    refused by name (422, ``details[].field`` ``body.payload.<name>``), never silently dropped,
    so a partner system that misspells ``postcode`` hears of it."""

    model_config = ConfigDict(extra="forbid")


class ErrorBody(Schema):
    code: str
    message: str
    details: list[dict[str, Any]] = []


class ErrorOut(Schema):
    error: ErrorBody


ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 415: ErrorOut,
                                   422: ErrorOut}


def accepts_multipart(view: Any) -> Any:
    """Mark an API route that takes a file as ``multipart/form-data``; put it under the route
    decorator. Every other route with a body takes JSON only (415 otherwise: csphub.web.api),
    so a form post cannot slip into a route that would read its fields as something else."""
    view.accepts_multipart = True
    return view


def if_match(request: Any) -> int | None:
    """The version named by an ``If-Match`` header (``"3"``, ``W/"3"`` or ``3``), or None when
    absent. A write with a version older than the record's is refused with 409."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    digits = raw.removeprefix("W/").strip('"')
    if not digits.isdigit():
        from csphub.errors import RuleRefused

        raise RuleRefused("bad_if_match", f"If-Match must be the ETag a GET answered (e.g. \"3\"), not {raw!r}.",
                          "If-Match")
    return int(digits)


def etag(response: Any, version: int) -> None:
    response["ETag"] = f'"{version}"'



# ---- Lists -------------------------------------------------------------------------------

class ListParams(Schema):
    """The window every list takes (see csphub.core.listing): ``limit`` rows from ``offset``,
    or, to sync, those changed at or after ``updated_since``, then after ``cursor``."""

    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_ID)
    cursor: str = Field("", max_length=200, description="the `cursor` from a previous answer's `next`")
    updated_since: Moment | None = Field(None, description="records changed at or after this time")

    def window(self) -> Window:
        return Window(self.limit, self.offset, self.cursor, self.updated_since)


class ResponseBody(BaseModel):
    """An answer the route's converter builds as a dict (``case_out``...): pydantic validates
    the dict directly. django-ninja's ``Schema`` reads every field of every row through its
    attribute getter (``DjangoGetter``), needed for model instances, not dicts: for the 100
    cases of ``GET /cases/`` that was about a sixth of the request (docs/performance.md)."""

    model_config = ConfigDict(from_attributes=True)


class Page[T](ResponseBody):
    """A list answer: this window's items, how many the whole list holds, and the next window's URL."""

    items: list[T]
    total: int
    next: str | None


def page(request: Any, found: Slice, items: list[Any]) -> dict[str, Any]:
    """The envelope for ``found``'s rows shown as ``items``; ``next`` keeps the request's other
    parameters and moves its offset or cursor on."""
    nxt = None
    if found.next_offset is not None or found.next_cursor is not None:
        query = {k: v for k, v in request.GET.items() if k not in ("offset", "cursor")}
        if found.next_cursor is not None:
            query["cursor"] = found.next_cursor
        else:
            query["offset"] = str(found.next_offset)
        nxt = f"{request.path}?{urlencode(query)}"
    return {"items": items, "total": found.total, "next": nxt}
