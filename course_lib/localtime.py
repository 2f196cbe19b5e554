"""Times: stored in UTC (ISO 8601), shown in the learner's local time as "4 Dec 2026, 14:05".

Files keep UTC so that answers saved in two time zones still sort; only what a learner reads is
converted, to the kernel's local time zone (the computer's, or ``$TZ``). On a hosted server
(Binder, a JupyterHub) that zone is the server's, so readable times also say their zone when it
is UTC ("4 Dec 2026, 14:05 UTC").
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

__all__ = ["file_date", "parse_utc", "readable", "utc_now"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def utc_now(precise: bool = False) -> str:
    """Now, in UTC, as ISO 8601 with a ``Z``.

    Parameters
    ----------
    precise : bool
        Microseconds instead of whole seconds (to order changes made within one second).

    Returns
    -------
    str
        ``"2026-12-04T14:05:03Z"`` or ``"2026-12-04T14:05:03.123456Z"``.
    """
    spec = "microseconds" if precise else "seconds"
    return datetime.now(UTC).isoformat(timespec=spec).replace("+00:00", "Z")


def parse_utc(text: object) -> datetime | None:
    """An ISO 8601 time as an aware datetime (naive times are taken as UTC), or ``None``.

    Parameters
    ----------
    text : object

    Returns
    -------
    datetime or None

    Examples
    --------
    >>> parse_utc("2026-12-04T14:05:03Z").isoformat()
    '2026-12-04T14:05:03+00:00'
    >>> parse_utc("yesterday") is None
    True
    """
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def readable(value: object, tz: tzinfo | None = None) -> str:
    """A stored UTC time as a learner reads it: ``"4 Dec 2026, 14:05"`` in local time.

    Parameters
    ----------
    value : str or datetime
        ISO 8601 text (as saved) or a datetime.
    tz : tzinfo, optional
        The zone to show; defaults to the kernel's local zone.

    Returns
    -------
    str
        Text that is not a time is returned as it is (``""`` for ``None``).

    Examples
    --------
    >>> from datetime import timedelta, timezone
    >>> readable("2026-12-04T13:05:00Z", timezone(timedelta(hours=1)))
    '4 Dec 2026, 14:05'
    >>> readable("2026-12-04T13:05:00Z", UTC)
    '4 Dec 2026, 13:05 UTC'
    """
    when = value if isinstance(value, datetime) else parse_utc(value)
    if when is None:
        return "" if value is None else str(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(tz)
    text = f"{local.day} {_MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"
    offset = local.utcoffset()
    return text + (" UTC" if offset is not None and not offset else "")


def file_date(when: datetime | None = None, tz: tzinfo | None = None) -> str:
    """The local date for a file name, ``"2026-12-04"``.

    Parameters
    ----------
    when : datetime, optional
        Defaults to now.
    tz : tzinfo, optional
        Defaults to the local zone.

    Returns
    -------
    str
    """
    when = when or datetime.now(UTC)
    if when.tzinfo is None:
        return f"{when:%Y-%m-%d}"
    return f"{when.astimezone(tz):%Y-%m-%d}"
