"""Quick Search's results: a few ordered parts listed one after the other, each read off an index.

A million seekers hold tens of thousands of Smiths. Sorting every match to show the first 25
would read them all; instead each part of the results is ordered the way one index is, so a
page costs a walk of 25 index entries and the total is counted from the index alone.

A name is matched by case-insensitive prefix on the capitalised search keys
(`Participant.last_name_key`, `first_name_key`):

- one word ("smi"): seekers whose last name starts with it, by last then first name; then those
  whose first name does (and last name does not), by first then last name;
- two or more ("jo smi", "smith, jo"): first and last name as typed, by last then first name;
  then the reverse ("Last First"), also by last then first name.
"""

from django.db.models import Q, Value
from django.db.models.functions import Upper

LAST_FIRST = ("last_name_key", "first_name_key", "customer_id")  # participant_last_name_search
FIRST_LAST = ("first_name_key", "last_name_key", "customer_id")  # participant_first_name_search


class SearchResults:
    """Disjoint ordered querysets shown in turn, paged as one list (Django's Paginator takes it).

    Pages are made of ids, which the indexes answer alone; only the page's seekers are read.
    Each part's first `HELD_IDS` ids are fetched in one query, which also counts a part no
    longer than that and serves the first pages of one that is; a longer part is counted, and
    asked for the ids of each later page.

    At most `LISTED` matches are listed and counted: a broad name ("smith" in all of WorkSource)
    is said to match "more than" that many (`more`), and counting it costs the same however many
    seekers the state holds. No one pages through forty pages of Smiths: they narrow the search.
    """

    HELD_IDS = 500
    LISTED = 1_000

    def __init__(self, *parts):
        self.parts = parts
        self._sizes: list[int] | None = None
        self._first_ids: dict[int, list[int]] = {}  # part number -> its first ids, in order
        self._more = False

    def part_sizes(self) -> list[int]:
        """How many of each part's matches are listed: every one, until `LISTED` in all."""
        if self._sizes is None:
            self._sizes, room = [], self.LISTED
            for number, part in enumerate(self.parts):
                if room == 0:  # the earlier parts filled the listing: only whether there is more
                    self._more = self._more or part.exists()
                    self._first_ids[number] = []
                    self._sizes.append(0)
                    continue
                fetched = min(self.HELD_IDS, room)
                ids = list(part.values_list("pk", flat=True)[: fetched + 1])
                if len(ids) <= fetched:
                    size = len(ids)
                elif fetched == room:
                    size = room + 1  # more than the room left: no need to count further
                else:
                    size = part.values("pk")[: room + 1].count()
                self._first_ids[number] = ids[:fetched]
                self._more |= size > room
                self._sizes.append(min(size, room))
                room -= self._sizes[-1]
        return self._sizes

    def count(self) -> int:
        return sum(self.part_sizes())

    __len__ = count

    @property
    def more(self) -> bool:
        """More seekers match than are listed (`LISTED`)."""
        self.part_sizes()
        return self._more

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        ids = []
        for number, (part, size) in enumerate(zip(self.parts, self.part_sizes(), strict=True)):
            if start < size and stop > 0:
                wanted = slice(max(start, 0), min(stop, size))
                first_ids = self._first_ids[number]
                ids += (
                    first_ids[wanted]
                    if wanted.stop <= len(first_ids)
                    else part.values_list("pk", flat=True)[wanted]
                )
            start, stop = start - size, stop - size
        if not ids:
            return []
        # The ids come from the parts, which start from the visibility gate: these are rows it let through.
        first = self.parts[0]
        rows = first.model.objects.db_manager(first.db).in_bulk(ids)
        return [rows[pk] for pk in ids]


def prefix(field: str, text: str) -> Q:
    """`field` starts with `text`, compared in capitals (the database capitalises both the same way)."""
    return Q(**{f"{field}__startswith": Upper(Value(text))})


def name_search(seekers, text: str) -> SearchResults:
    """`seekers` whose names match `text`, in the parts the module's docstring describes."""
    if "," in text:
        last, _, first = text.partition(",")
        words = [first.strip(), last.strip()] if first.strip() else [last.strip()]
    else:
        words = text.split()
    words = [word for word in words if word]
    if not words:
        return SearchResults()
    if len(words) == 1:
        last_name, first_name = (
            prefix("last_name_key", words[0]),
            prefix("first_name_key", words[0]),
        )
        return SearchResults(
            seekers.filter(last_name).order_by(*LAST_FIRST),
            seekers.filter(first_name).exclude(last_name).order_by(*FIRST_LAST),
        )
    first, last = words[0], words[-1]
    as_typed = prefix("first_name_key", first) & prefix("last_name_key", last)
    reversed_ = prefix("first_name_key", last) & prefix("last_name_key", first)
    return SearchResults(
        seekers.filter(as_typed).order_by(*LAST_FIRST),
        seekers.filter(reversed_).exclude(as_typed).order_by(*LAST_FIRST),
    )
