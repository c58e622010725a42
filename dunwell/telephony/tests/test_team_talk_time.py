from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from dunwell.telephony.models import Call


def make_call(agent, n, started, duration):
    return Call.objects.create(provider="asterisk", provider_call_id=f"t-{n}", direction="out",
                               external_number="+40721234567", agent=agent, started_at=started,
                               duration=duration, state="ended")  # fmt: skip


def test_the_team_view_shows_calls_and_talk_time_today_and_this_week(
    client, supervisor, collector, teammate
):
    now = timezone.localtime()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    make_call(collector, 1, now, 125)
    make_call(collector, 2, now, 600)
    make_call(teammate, 3, now, 60)
    earlier = day_start - timedelta(days=day_start.weekday()) + timedelta(minutes=1)
    if earlier < day_start:  # the same week, an earlier day
        make_call(collector, 4, earlier, 3600)
    make_call(collector, 5, day_start - timedelta(days=8), 999)  # last week: not counted
    client.force_login(supervisor)
    page = client.get(reverse("work:team")).content.decode()
    assert "Talk time on the phone system: today / since Monday" in page
    # The calls column counts calls made, i.e. outcomes recorded (work.tests.test_team_page):
    # these PBX calls have none, so they show in the talk time only.
    assert ("12 min / 1 h 12 min" if earlier < day_start else "12 min / 12 min") in page


def test_talk_time_reads_with_its_units_in_russian(client, supervisor, collector):
    """The team's talk time read "0:57" (hours and minutes) beside the timeline's "5:39"
    (minutes and seconds of a call)."""
    from django.utils import translation

    from dunwell.telephony.selectors import TalkTime

    with translation.override("ru"):
        assert TalkTime(seconds_today=3425, seconds_week=3900).today == "57 мин"
        assert TalkTime(seconds_today=3425, seconds_week=3900).week == "1 ч 05 мин"
    with translation.override("ro"):
        assert TalkTime(seconds_week=3900).week == "1 h 05 min"
    with translation.override("uk"):
        assert TalkTime(seconds_week=3900).week == "1 год 05 хв"
    supervisor.language = "ru"
    supervisor.save()
    make_call(collector, 1, timezone.localtime(), 3425)
    client.force_login(supervisor)
    page = client.get(reverse("work:team")).content.decode()
    assert "57 мин / 57 мин" in page


def test_a_supervisor_can_follow_the_teams_pops_from_the_team_view(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("work:team")).content.decode()
    assert "Show my team&#x27;s incoming calls to me too" in page or (
        "Show my team's incoming calls to me too" in page
    )
    client.post(reverse("telephony:follow"), {"follow": "1", "next": "/work/team/"})
    assert "Stop showing my team" in client.get(reverse("work:team")).content.decode()
