"""French dates and times for the registry's pages, mails and certificates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from charter_kit.locales import fr


def french_date(value: str | dt.date) -> str:
    """"1er septembre 2027" from an ISO date or a stored moment."""
    return fr.date(value[:10] if isinstance(value, str) else value)


def moment(stamp: str) -> dt.datetime:
    """A stored UTC moment as an aware datetime."""
    return dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def utc_text(stamp: str) -> str:
    """"1er septembre 2027 à 08:15:30 UTC"."""
    m = moment(stamp)
    return f"{french_date(m.date())} à {m:%H:%M:%S} UTC"


def local_text(stamp: str, zone: str) -> str:
    """"1er septembre 2027 à 10:15:30, heure de Paris (Europe/Paris)"."""
    m = moment(stamp).astimezone(ZoneInfo(zone))
    offset = m.strftime("%z")
    return f"{french_date(m.date())} à {m:%H:%M:%S} (UTC{offset[:3]}:{offset[3:]}, {zone})"
