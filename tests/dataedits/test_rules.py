"""The data-edit rules (dataedits/rules.py): seed 004's worked examples, boundaries and properties."""

from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataedits.rules import (
    AddService,
    ChangeError,
    CorrectSeekerData,
    DeleteService,
    ModifyService,
    Paperwork,
    Quarter,
    Reason,
    RecordSkillsGain,
    ServiceFact,
    apply_change,
    counted_received_at,
    decide,
    filing_deadline,
    is_late_entry,
    periods_of,
    touched_dates,
)

D = date


def svc(id, type, start, end=None, counted=True):
    return ServiceFact(id=id, type=type, start=start, end=end or start, counted=counted)


# Seed 004's services (Oklahoma WSD 58-2024, "Examples").
EXAMPLE_1_SERVICES = [
    svc("ia", "initial_assessment", D(2020, 6, 3)),
    svc("cg", "career_guidance", D(2020, 6, 3)),
    svc("ost", "occupational_skills_training", D(2020, 6, 14), D(2020, 9, 18)),
    svc("wpa", "workforce_preparation", D(2020, 10, 20)),
]
EXAMPLE_2_SERVICES = EXAMPLE_1_SERVICES + [
    svc("cg2", "career_guidance", D(2021, 1, 20)),
    svc("we", "work_experience", D(2021, 2, 3), D(2021, 4, 21)),
    svc("wpa2", "workforce_preparation", D(2021, 5, 27)),
]
DELETE_WPA = DeleteService("wpa")


def spans(periods):
    return [(p.participation, p.last_end) for p in periods]


class TestSeedExamples:
    def test_example_1_denied_past_deadline_and_the_determined_exit_moves_quarter(self):
        decision = decide(EXAMPLE_1_SERVICES, DELETE_WPA, filed_on=D(2021, 5, 30))
        # "Quarter end 12/31/20 + 20 days = 1/20/2021."
        assert decision.deadline == D(2021, 1, 20)
        assert decision.verdict == "deny"
        assert decision.reasons == (Reason.PAST_DEADLINE, Reason.EXIT_QUARTER_CHANGED)
        assert spans(decision.periods_before) == [(D(2020, 6, 3), D(2020, 10, 20))]
        assert spans(decision.periods_after) == [(D(2020, 6, 3), D(2020, 9, 18))]

    def test_example_2_counted_in_days_is_already_two_periods_and_is_denied(self):
        # 10/20/20 -> 1/20/21 is 92 days: the "before" state already has two periods.
        assert (D(2021, 1, 20) - D(2020, 10, 20)).days == 92
        decision = decide(EXAMPLE_2_SERVICES, DELETE_WPA, filed_on=D(2021, 5, 30))
        assert spans(decision.periods_before) == [
            (D(2020, 6, 3), D(2020, 10, 20)),
            (D(2021, 1, 20), D(2021, 5, 27)),
        ]
        assert spans(decision.periods_after) == [
            (D(2020, 6, 3), D(2020, 9, 18)),
            (D(2021, 1, 20), D(2021, 5, 27)),
        ]
        # The first period's determined exit moves from 10/20/20 (Q2) to 09/18/20 (Q1).
        assert decision.periods_before[0].exit_as_of(D(2021, 5, 30)) == D(2020, 10, 20)
        assert decision.periods_after[0].exit_as_of(D(2021, 5, 30)) == D(2020, 9, 18)
        assert decision.reasons == (Reason.PAST_DEADLINE, Reason.EXIT_QUARTER_CHANGED)
        assert decision.deadline == D(2021, 1, 20)

    def test_example_3_approved_because_the_exit_only_becomes_determined_by_the_change(self):
        decision = decide(EXAMPLE_1_SERVICES, DELETE_WPA, filed_on=D(2021, 1, 9))
        assert decision.verdict == "approve" and decision.reasons == ()
        assert decision.deadline == D(2021, 1, 20)
        # 1/9/21 is 81 days after 10/20/20: no exit yet; after the change 113 days after 9/18/20.
        assert decision.periods_before[0].exit_as_of(D(2021, 1, 9)) is None
        assert spans(decision.periods_after) == [(D(2020, 6, 3), D(2020, 9, 18))]
        assert decision.periods_after[0].exit_as_of(D(2021, 1, 9)) == D(2020, 9, 18)

    def test_the_decision_as_json(self):
        out = decide(EXAMPLE_1_SERVICES, DELETE_WPA, filed_on=D(2021, 1, 9)).as_json()
        assert out == {
            "decision": "approve",
            "reasons": [],
            "deadline": "2021-01-20",
            "periods_before": [
                {
                    "participation": "2020-06-03",
                    "last_end": "2020-10-20",
                    "exit": None,
                    "services": ["cg", "ia", "ost", "wpa"],
                }
            ],
            "periods_after": [
                {
                    "participation": "2020-06-03",
                    "last_end": "2020-09-18",
                    "exit": "2020-09-18",
                    "services": ["cg", "ia", "ost"],
                }
            ],
        }


class TestQuarters:
    @pytest.mark.parametrize(
        "day,quarter,start,end",
        [
            (D(2020, 7, 1), Quarter(2020, 1), D(2020, 7, 1), D(2020, 9, 30)),
            (D(2020, 9, 30), Quarter(2020, 1), D(2020, 7, 1), D(2020, 9, 30)),
            (D(2020, 10, 1), Quarter(2020, 2), D(2020, 10, 1), D(2020, 12, 31)),
            (D(2020, 12, 31), Quarter(2020, 2), D(2020, 10, 1), D(2020, 12, 31)),
            (D(2021, 1, 1), Quarter(2020, 3), D(2021, 1, 1), D(2021, 3, 31)),
            (D(2021, 3, 31), Quarter(2020, 3), D(2021, 1, 1), D(2021, 3, 31)),
            (D(2021, 4, 1), Quarter(2020, 4), D(2021, 4, 1), D(2021, 6, 30)),
            (D(2021, 6, 30), Quarter(2020, 4), D(2021, 4, 1), D(2021, 6, 30)),
        ],
    )
    def test_each_quarter_and_its_first_and_last_days(self, day, quarter, start, end):
        assert Quarter.of(day) == quarter
        assert (quarter.start, quarter.end) == (start, end)

    @pytest.mark.parametrize(
        "quarter_end,deadline",
        [
            (D(2020, 9, 30), D(2020, 10, 20)),
            (D(2020, 12, 31), D(2021, 1, 20)),
            (D(2021, 3, 31), D(2021, 4, 20)),
            (D(2021, 6, 30), D(2021, 7, 20)),
        ],
    )
    def test_the_deadline_is_the_quarter_end_plus_20_days(self, quarter_end, deadline):
        assert filing_deadline(quarter_end) == deadline
        assert filing_deadline(Quarter.of(quarter_end).start) == deadline

    def test_names_order_and_neighbours(self):
        assert str(Quarter(2020, 2)) == "PY2020 Q2"
        assert Quarter.parse("PY2020 Q2") == Quarter.parse("2020-2") == Quarter(2020, 2)
        assert Quarter(2020, 4).next() == Quarter(2021, 1)
        assert Quarter(2021, 1).previous() == Quarter(2020, 4)
        assert Quarter(2020, 4) < Quarter(2021, 1)
        with pytest.raises(ValueError, match="PY2020 Q2"):
            Quarter.parse("2020-5")

    def test_leap_years(self):
        assert Quarter.of(D(2024, 2, 29)) == Quarter(2023, 3)
        assert (D(2024, 3, 1) - D(2023, 12, 1)).days == 91  # February 29 counts as a day
        # Dec 1, 2023 -> Feb 29, 2024 is exactly 90 days (one period); to Mar 1 is 91 (two).
        assert (
            len(
                periods_of(
                    [
                        svc("a", "career_guidance", D(2023, 12, 1)),
                        svc("b", "career_guidance", D(2024, 2, 29)),
                    ]
                )
            )
            == 1
        )
        assert (
            len(
                periods_of(
                    [
                        svc("a", "career_guidance", D(2023, 12, 1)),
                        svc("b", "career_guidance", D(2024, 3, 1)),
                    ]
                )
            )
            == 2
        )
        # The same calendar dates a year earlier span no February 29: March 1 is day 90.
        assert (
            len(
                periods_of(
                    [
                        svc("a", "career_guidance", D(2022, 12, 1)),
                        svc("b", "career_guidance", D(2023, 3, 1)),
                    ]
                )
            )
            == 1
        )


class TestPeriods:
    def test_a_90_day_gap_stays_in_the_period_and_91_days_opens_a_new_one(self):
        first = svc("a", "career_guidance", D(2021, 1, 1))
        at_90 = svc("b", "career_guidance", D(2021, 1, 1) + timedelta(days=90))
        at_91 = svc("b", "career_guidance", D(2021, 1, 1) + timedelta(days=91))
        assert len(periods_of([first, at_90])) == 1
        assert len(periods_of([first, at_91])) == 2

    def test_the_gap_counts_from_the_latest_end_seen_so_far_in_the_period(self):
        services = [
            svc("long", "occupational_skills_training", D(2021, 1, 1), D(2021, 6, 30)),
            svc("short", "career_guidance", D(2021, 2, 1)),
            svc("next", "career_guidance", D(2021, 6, 30) + timedelta(days=90)),
        ]
        (period,) = periods_of(services)
        assert period.participation == D(2021, 1, 1) and period.last_end == D(2021, 9, 28)

    def test_follow_up_and_other_uncounted_services_are_ignored(self):
        services = [
            svc("a", "career_guidance", D(2021, 1, 1)),
            svc("f1", "follow_up", D(2021, 3, 1), counted=False),
            svc("f2", "self_service", D(2021, 5, 1), counted=False),
            svc("b", "career_guidance", D(2021, 6, 1)),
        ]
        periods = periods_of(services)
        assert [p.service_ids for p in periods] == [("a",), ("b",)]
        assert periods_of([svc("f", "follow_up", D(2021, 1, 1), counted=False)]) == []

    def test_an_exit_is_determined_only_after_more_than_90_days(self):
        (period,) = periods_of([svc("a", "career_guidance", D(2021, 1, 1))])
        assert period.exit_as_of(D(2021, 1, 1) + timedelta(days=90)) is None
        assert period.exit_as_of(D(2021, 1, 1) + timedelta(days=91)) == D(2021, 1, 1)

    def test_end_before_start_is_refused(self):
        with pytest.raises(ValueError, match="before the start date"):
            svc("a", "career_guidance", D(2021, 1, 2), D(2021, 1, 1))


class TestDeadlineBoundaries:
    def test_the_deadline_day_itself_is_allowed_and_the_day_after_is_not(self):
        services = [
            svc("a", "career_guidance", D(2021, 2, 1)),
            svc("b", "career_guidance", D(2021, 3, 15)),
        ]
        change = ModifyService("b", type="work_experience", counted=True)
        on_time = decide(services, change, filed_on=D(2021, 4, 20))
        late = decide(services, change, filed_on=D(2021, 4, 21))
        assert on_time.deadline == late.deadline == D(2021, 4, 20)
        assert on_time.reasons == ()
        assert late.reasons == (Reason.PAST_DEADLINE,)

    @pytest.mark.parametrize(
        "quarter_end", [D(2020, 9, 30), D(2020, 12, 31), D(2021, 3, 31), D(2021, 6, 30)]
    )
    def test_a_service_on_each_quarters_last_day(self, quarter_end):
        services = [
            svc("a", "career_guidance", quarter_end - timedelta(days=10)),
            svc("b", "career_guidance", quarter_end),
        ]
        change = ModifyService("b", type="workforce_preparation", counted=True)
        assert decide(services, change, filed_on=quarter_end + timedelta(days=20)).reasons == ()
        assert decide(services, change, filed_on=quarter_end + timedelta(days=21)).reasons == (
            Reason.PAST_DEADLINE,
        )

    def test_deadline_over_a_leap_day(self):
        # February 29, 2024 is in Q3 of PY2023, which ends March 31: twenty days later is April 20.
        assert filing_deadline(D(2024, 2, 29)) == D(2024, 4, 20)

    def test_the_earliest_touched_date_governs(self):
        services = [
            svc("a", "career_guidance", D(2020, 12, 1)),
            svc("b", "career_guidance", D(2021, 1, 10)),
        ]
        # Moving b from January (Q3) into December (Q2): the old date's deadline is 4/20/21, the new one's 1/20/21.
        change = ModifyService("b", start=D(2020, 12, 20), end=D(2020, 12, 20))
        assert decide(services, change, filed_on=D(2021, 1, 15)).deadline == D(2021, 1, 20)
        assert Reason.PAST_DEADLINE in decide(services, change, filed_on=D(2021, 1, 21)).reasons

    def test_a_correction_of_seeker_data_uses_the_latest_periods_participation_date(self):
        services = EXAMPLE_2_SERVICES
        decision = decide(services, CorrectSeekerData("date_of_birth"), filed_on=D(2021, 4, 20))
        assert decision.deadline == D(2021, 4, 20)  # latest period began 1/20/21, Q3 of PY2020
        assert decision.reasons == ()
        assert decide(
            services, CorrectSeekerData("date_of_birth"), filed_on=D(2021, 4, 21)
        ).reasons == (Reason.PAST_DEADLINE,)
        assert (
            decide([], CorrectSeekerData("date_of_birth"), filed_on=D(2021, 4, 21)).deadline is None
        )


class TestEachReason:
    FILED = D(2021, 1, 5)

    def test_removes_period(self):
        services = [svc("a", "career_guidance", D(2020, 12, 1))]
        decision = decide(services, DeleteService("a"), filed_on=self.FILED)
        assert decision.reasons == (Reason.REMOVES_PERIOD,)
        assert decision.periods_after == ()

    def test_removing_a_period_with_a_determined_exit_also_loses_the_exit(self):
        services = [
            svc("a", "career_guidance", D(2020, 7, 1)),
            svc("b", "career_guidance", D(2020, 12, 20)),
        ]
        decision = decide(services, DeleteService("a"), filed_on=self.FILED)
        assert decision.reasons == (
            Reason.PAST_DEADLINE,
            Reason.REMOVES_PERIOD,
            Reason.EXIT_QUARTER_CHANGED,
        )

    def test_splits_period(self):
        services = [
            svc("a", "career_guidance", D(2020, 10, 1)),
            svc("bridge", "career_guidance", D(2020, 11, 15)),
            svc("c", "career_guidance", D(2020, 12, 31)),
        ]
        # a -> c is 91 days: without the bridge the period becomes two.
        decision = decide(services, DeleteService("bridge"), filed_on=self.FILED)
        assert decision.reasons == (Reason.SPLITS_PERIOD,)
        assert len(decision.periods_before) == 1 and len(decision.periods_after) == 2

    def test_merges_periods(self):
        services = [
            svc("a", "career_guidance", D(2020, 7, 15)),
            svc("c", "career_guidance", D(2020, 12, 20)),
        ]
        bridge = svc("bridge", "career_guidance", D(2020, 10, 1))
        decision = decide(services, AddService(bridge), filed_on=self.FILED)
        # a's exit (7/15/20) was determined on the filing date and disappears with the merge.
        assert Reason.MERGES_PERIODS in decision.reasons
        assert Reason.EXIT_QUARTER_CHANGED in decision.reasons
        assert Reason.ENTRY_QUARTER_CHANGED in decision.reasons  # c's period now starts in Q1
        assert len(decision.periods_after) == 1

    def test_creates_period(self):
        services = [svc("a", "career_guidance", D(2020, 7, 1))]
        new = svc("new", "career_guidance", D(2020, 12, 1))
        decision = decide(services, AddService(new), filed_on=self.FILED)
        assert decision.reasons == (Reason.CREATES_PERIOD,)

    def test_entry_quarter_changed(self):
        services = [
            svc("a", "career_guidance", D(2020, 12, 30)),
            svc("b", "career_guidance", D(2021, 1, 2)),
        ]
        decision = decide(services, DeleteService("a"), filed_on=self.FILED)
        assert decision.reasons == (Reason.ENTRY_QUARTER_CHANGED,)
        earlier = svc("early", "initial_assessment", D(2020, 12, 31))
        later_services = [svc("b", "career_guidance", D(2021, 1, 2))]
        assert decide(later_services, AddService(earlier), filed_on=self.FILED).reasons == (
            Reason.ENTRY_QUARTER_CHANGED,
        )

    def test_exit_quarter_changed_when_a_determined_exit_moves(self):
        services = [
            svc("a", "career_guidance", D(2020, 8, 1)),
            svc("b", "career_guidance", D(2020, 10, 2)),
        ]
        # b's exit (10/2/20, Q2) was determined on 1/5/21 (95 days); without b it is 8/1/20 (Q1).
        decision = decide(services, DeleteService("b"), filed_on=self.FILED)
        assert decision.reasons == (Reason.EXIT_QUARTER_CHANGED,)
        moved = decide(
            services,
            ModifyService("b", start=D(2020, 9, 28), end=D(2020, 9, 28)),
            filed_on=self.FILED,
        )
        assert moved.reasons == (Reason.PAST_DEADLINE, Reason.EXIT_QUARTER_CHANGED)

    def test_a_determined_exit_moving_within_its_quarter_is_fine(self):
        services = [
            svc("a", "career_guidance", D(2020, 8, 1)),
            svc("b", "career_guidance", D(2020, 9, 25)),
        ]
        decision = decide(
            services,
            ModifyService("b", start=D(2020, 9, 20), end=D(2020, 9, 20)),
            filed_on=D(2021, 1, 5),
        )
        assert decision.reasons == (
            Reason.PAST_DEADLINE,
        )  # September's quarter closed for edits on 10/20/20
        decision = decide(
            services,
            ModifyService("b", start=D(2020, 9, 20), end=D(2020, 9, 20)),
            filed_on=D(2020, 10, 20),
        )
        assert decision.reasons == ()

    def test_turning_a_counted_service_into_one_that_does_not_count(self):
        services = [svc("a", "career_guidance", D(2020, 12, 1))]
        decision = decide(
            services, ModifyService("a", type="follow_up", counted=False), filed_on=self.FILED
        )
        assert decision.reasons == (Reason.REMOVES_PERIOD,)

    def test_every_form_level_reason(self):
        services = [
            svc("a", "career_guidance", D(2020, 12, 1)),
            svc("b", "career_guidance", D(2020, 12, 2)),
        ]
        change = DeleteService("b")
        empty = decide(services, change, filed_on=self.FILED, paperwork=Paperwork())
        assert empty.reasons == (
            Reason.MISSING_JUSTIFICATION,
            Reason.MISSING_FIELD,
            Reason.NO_SUPPORTING_CASE_NOTE,
        )
        complete = Paperwork(
            what_is_wrong="Entered twice",
            what_is_right="Once",
            justification="Duplicate entry",
            supporting_documents=1,
        )
        assert decide(services, change, filed_on=self.FILED, paperwork=complete).reasons == ()
        with_note = Paperwork(
            what_is_wrong="x",
            what_is_right="y",
            justification="z",
            supporting_case_notes=1,
            change_complete=False,
        )
        assert decide(services, change, filed_on=self.FILED, paperwork=with_note).reasons == (
            Reason.MISSING_FIELD,
        )

    def test_a_change_not_yet_complete_changes_no_period_and_is_a_missing_field(self):
        decision = decide(EXAMPLE_1_SERVICES, None, filed_on=self.FILED)
        assert decision.reasons == (
            Reason.MISSING_JUSTIFICATION,
            Reason.MISSING_FIELD,
            Reason.NO_SUPPORTING_CASE_NOTE,
        )
        assert decision.deadline is None
        assert decision.periods_before == decision.periods_after

    def test_every_reason_at_once_is_reported_not_just_the_first(self):
        decision = decide(
            EXAMPLE_1_SERVICES, DELETE_WPA, filed_on=D(2021, 5, 30), paperwork=Paperwork()
        )
        assert decision.reasons == (
            Reason.PAST_DEADLINE,
            Reason.EXIT_QUARTER_CHANGED,
            Reason.MISSING_JUSTIFICATION,
            Reason.MISSING_FIELD,
            Reason.NO_SUPPORTING_CASE_NOTE,
        )
        assert all(reason.text for reason in Reason)


class TestChanges:
    def test_unknown_service_and_duplicate_ids_are_refused(self):
        with pytest.raises(ChangeError, match="no service with id 'zz'"):
            apply_change(EXAMPLE_1_SERVICES, DeleteService("zz"))
        with pytest.raises(ChangeError, match="already exists"):
            apply_change(
                EXAMPLE_1_SERVICES, AddService(svc("ia", "career_guidance", D(2020, 1, 1)))
            )

    def test_a_modification_ending_before_it_starts_is_refused(self):
        with pytest.raises(ChangeError, match="before the start date"):
            apply_change(EXAMPLE_1_SERVICES, ModifyService("ost", end=D(2020, 6, 1)))


class TestReceivedTime:
    TZ = ZoneInfo("America/Los_Angeles")

    def at(self, *args):
        return datetime(*args, tzinfo=self.TZ)

    @pytest.mark.parametrize(
        "received,counted",
        [
            ((2024, 3, 5, 9, 30), (2024, 3, 5, 9, 30)),  # Tuesday morning: as received
            ((2024, 3, 5, 16, 0), (2024, 3, 5, 16, 0)),  # 4:00 PM exactly is not after 4:00 PM
            (
                (2024, 3, 5, 16, 0, 1),
                (2024, 3, 6, 7, 0),
            ),  # one second after: next business day 7:00 AM
            ((2024, 3, 5, 6, 15), (2024, 3, 5, 7, 0)),  # before opening: that day at 7:00 AM
            ((2024, 3, 8, 17, 0), (2024, 3, 11, 7, 0)),  # Friday evening: Monday 7:00 AM
            ((2024, 3, 9, 10, 0), (2024, 3, 11, 7, 0)),  # Saturday
            ((2024, 3, 10, 23, 59), (2024, 3, 11, 7, 0)),  # Sunday night
        ],
    )
    def test_after_4_pm_or_on_a_weekend_counts_as_the_next_business_day_at_7(
        self, received, counted
    ):
        assert counted_received_at(self.at(*received)) == self.at(*counted)

    def test_across_the_change_to_daylight_saving_time(self):
        # Friday March 8, 2024, 5 PM PST -> Monday March 11, 7 AM PDT (clocks changed on Sunday).
        result = counted_received_at(self.at(2024, 3, 8, 17, 0))
        assert result.utcoffset() == timedelta(hours=-7)


def test_late_entry_is_more_than_seven_calendar_days():
    assert not is_late_entry(service_date=D(2024, 2, 22), entered_on=D(2024, 2, 29))
    assert is_late_entry(service_date=D(2024, 2, 22), entered_on=D(2024, 3, 1))


# ---------------------------------------------------------------------------------------------
# Properties

TYPES = [
    ("career_guidance", True),
    ("work_experience", True),
    ("follow_up", False),
    ("self_service", False),
]


@st.composite
def services_strategy(draw, min_size=0, max_size=12):
    count = draw(st.integers(min_size, max_size))
    result = []
    for number in range(count):
        start = D(2019, 7, 1) + timedelta(days=draw(st.integers(0, 1200)))
        end = start + timedelta(days=draw(st.sampled_from([0, 0, 1, 30, 95, 200])))
        type_, counted = draw(st.sampled_from(TYPES))
        result.append(
            ServiceFact(id=f"s{number}", type=type_, start=start, end=end, counted=counted)
        )
    return result


@settings(max_examples=300, deadline=None)
@given(services=services_strategy())
def test_periods_partition_the_counted_services(services):
    periods = periods_of(services)
    in_periods = [s for p in periods for s in p.services]
    assert sorted(s.id for s in in_periods) == sorted(s.id for s in services if s.counted)
    assert all(s.counted for s in in_periods)


@settings(max_examples=300, deadline=None)
@given(services=services_strategy())
def test_no_gap_inside_a_period_exceeds_90_days_and_periods_are_more_than_90_days_apart(services):
    periods = periods_of(services)
    for period in periods:
        latest_end = period.services[0].end
        for service in period.services[1:]:
            assert (service.start - latest_end).days <= 90
            latest_end = max(latest_end, service.end)
    for earlier, later in pairwise(periods):
        assert (later.participation - earlier.last_end).days > 90


@settings(max_examples=300, deadline=None)
@given(services=services_strategy(min_size=1), data=st.data())
def test_deleting_a_service_that_does_not_count_never_changes_periods(services, data):
    uncounted = [s for s in services if not s.counted]
    if not uncounted:
        services = services + [
            ServiceFact("extra", "follow_up", D(2020, 1, 1), D(2020, 1, 1), counted=False)
        ]
        uncounted = [services[-1]]
    target = data.draw(st.sampled_from(uncounted))
    before = periods_of(services)
    after = periods_of(apply_change(services, DeleteService(target.id)))
    assert before == after
    filed_on = data.draw(st.dates(D(2019, 7, 1), D(2024, 6, 30)))
    reasons = decide(services, DeleteService(target.id), filed_on=filed_on).reasons
    assert set(reasons) <= {Reason.PAST_DEADLINE}


# --- the edges mutation testing found unguarded (tests/MUTANTS.md) -----------------------------------


def test_quarters_at_the_calendars_ends_keep_their_own_months():
    from dataedits.rules import days_after

    assert Quarter(0, 4).start == D(1, 4, 1) and Quarter(9999, 1).start == D(9999, 7, 1)
    assert days_after(D.max - timedelta(days=1), 5) == D.max and days_after(D(2020, 1, 1), 31) == D(
        2020, 2, 1
    )


def test_the_quarter_before():
    assert Quarter(2020, 3).previous() == Quarter(2020, 2) and Quarter(
        2020, 1
    ).previous() == Quarter(2019, 4)


@pytest.mark.parametrize(
    "text,quarter",
    [
        ("PY2020 Q1", Quarter(2020, 1)),
        ("PY2020Q4", Quarter(2020, 4)),
        ("py2020q2", Quarter(2020, 2)),
        ("2020-3", Quarter(2020, 3)),
        ("PY1900 Q1", Quarter(1900, 1)),
        ("PY9998 Q4", Quarter(9998, 4)),
    ],
)
def test_a_quarter_is_read_as_written(text, quarter):
    assert Quarter.parse(text) == quarter


@pytest.mark.parametrize(
    "text", ["PY1899 Q4", "PY9999 Q1", "PY2020 Q0", "PY2020 Q5", "2020", "PY2020 Q1 Q2"]
)
def test_a_quarter_out_of_range_or_garbled_is_refused(text):
    with pytest.raises(ValueError, match="Not a program year quarter"):
        Quarter.parse(text)


@pytest.mark.parametrize(
    "entered,ends",
    [
        (datetime(2024, 3, 13, 10, 0), D(2024, 3, 14)),
        (datetime(2024, 3, 15, 16, 30), D(2024, 3, 18)),
        (datetime(2024, 3, 16, 9, 0), D(2024, 3, 18)),
    ],
)
def test_a_slip_may_be_corrected_until_the_end_of_the_next_business_day(entered, ends):
    from datetime import time

    from dataedits.rules import self_correction_ends

    tz = ZoneInfo("America/Los_Angeles")
    assert self_correction_ends(entered.replace(tzinfo=tz)) == datetime.combine(
        ends, time.max, tzinfo=tz
    )


def test_a_modification_changes_that_service_only_and_says_what_is_missing():
    first, second = svc("a", "t", D(2024, 1, 2)), svc("b", "t", D(2024, 1, 9))
    after = apply_change(
        [first, second], ModifyService("a", start=D(2024, 1, 3), end=D(2024, 1, 3))
    )
    assert after == [svc("a", "t", D(2024, 1, 3)), second]
    with pytest.raises(
        ChangeError, match=r"^A new service type needs its counts-toward-participation flag\.$"
    ):
        apply_change([first], ModifyService("a", type="other"))
    with pytest.raises(ChangeError, match="Unknown change"):
        apply_change([first], object())
    with pytest.raises(ChangeError, match="Unknown change"):
        touched_dates([first], object())


def test_the_dates_a_change_touches():
    old = svc("a", "t", D(2024, 1, 2), D(2024, 1, 5))
    assert touched_dates([old], ModifyService("a", start=D(2024, 1, 3))) == [
        D(2024, 1, 2),
        D(2024, 1, 3),
    ]
    assert touched_dates([old], ModifyService("a", end=D(2024, 1, 6))) == [
        D(2024, 1, 5),
        D(2024, 1, 6),
    ]
    assert touched_dates([old], ModifyService("a", start=D(2024, 1, 3), end=D(2024, 1, 6))) == [
        D(2024, 1, 2),
        D(2024, 1, 3),
        D(2024, 1, 5),
        D(2024, 1, 6),
    ]
    assert touched_dates([old], ModifyService("a", start=D(2024, 1, 2), end=D(2024, 1, 6))) == [
        D(2024, 1, 5),
        D(2024, 1, 6),
    ]
    assert touched_dates([old], RecordSkillsGain(D(2024, 2, 1))) == [D(2024, 2, 1)]
    three = [
        svc("a", "t", D(2020, 1, 2)),
        svc("b", "t", D(2021, 1, 4)),
        svc("c", "t", D(2022, 1, 3)),
    ]
    assert touched_dates(three, CorrectSeekerData("first_name")) == [D(2022, 1, 3)]


def test_a_service_after_the_filing_date_is_denied_on_that_day_not_before():
    filed = D(2024, 1, 10)
    for change, future in [
        (AddService(svc("n", "t", D(2024, 1, 11))), True),
        (AddService(svc("n", "t", filed)), False),
        (ModifyService("a", start=D(2024, 1, 11), end=D(2024, 1, 11)), True),
    ]:
        reasons = decide([svc("a", "t", D(2024, 1, 2))], change, filed_on=filed).reasons
        assert (Reason.FUTURE_SERVICE in reasons) is future, change


def test_the_decisions_json_and_what_paperwork_is_enough():
    decision = decide(EXAMPLE_1_SERVICES, DELETE_WPA, filed_on=D(2021, 5, 30))
    assert decision.as_json()["reasons"] == ["past_deadline", "exit_quarter_changed"]
    assert (
        decide([], CorrectSeekerData("first_name"), filed_on=D(2021, 5, 30)).as_json()["deadline"]
        is None
    )
    both = Paperwork(
        what_is_wrong="w",
        what_is_right="r",
        justification="j",
        supporting_case_notes=1,
        supporting_documents=1,
    )
    assert (
        decide(EXAMPLE_1_SERVICES, DELETE_WPA, filed_on=D(2021, 1, 9), paperwork=both).reasons == ()
    )
    # A change not yet complete is a missing field, however complete the texts are.
    assert decide(EXAMPLE_1_SERVICES, None, filed_on=D(2021, 1, 9), paperwork=both).reasons == (
        Reason.MISSING_FIELD,
    )
