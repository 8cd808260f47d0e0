"""The quiz service on real PostgreSQL: its rules over HTTP, who may see what, races and restarts."""

from __future__ import annotations

import collections
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from service_support import (
    SECTION,
    Clock,
    fixed_right_answers,
    quiz_source,
    running_service,
    service_client,
    service_tokens,
)
from sqlalchemy import create_engine, func, select

from coursekit.gradebook.state import make_engine
from coursekit.quiz.overrides import Override
from coursekit.service.book import AttemptBook
from coursekit.service.client import QuizServiceClient, ServiceRefused, ServiceUnavailable
from coursekit.service.migrate import LATEST, migrate, schema_version
from coursekit.service.tables import ATTEMPT

pytestmark = pytest.mark.slow

ADA, BOB, TRAINER = "ada", "bob", "tess"


def _count(postgres_db, **where):
    engine = create_engine(postgres_db)
    try:
        with engine.connect() as conn:
            query = select(func.count()).select_from(ATTEMPT)
            for column, value in where.items():
                query = query.where(ATTEMPT.c[column] == value)
            return conn.execute(query).scalar()
    finally:
        engine.dispose()


def test_migrations_race_safely_and_once(postgres_db):
    results = []
    threads = [threading.Thread(target=lambda: results.append(migrate(postgres_db))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [(0, LATEST)] + [(LATEST, LATEST)] * 5
    engine = make_engine(postgres_db)
    assert schema_version(engine) == LATEST
    engine.dispose()


def test_attempt_limit_is_the_servers_and_a_repeated_submit_counts_once(postgres_db, tmp_path):
    source = quiz_source(tmp_path, attempts=2)
    with running_service(postgres_db, source, service_tokens([ADA], trainer=TRAINER), Clock()) as url:
        ada = service_client(url, ADA)
        saved = ada.save(SECTION, {"partner-schools": "a"})
        assert saved["attempt"]["state"] == "open" and saved["attempt"]["number"] == 1
        first = ada.submit(SECTION, "attempt-one", {"recruitment": True})
        assert first["attempt"]["number"] == 1 and first["repeated"] is False
        assert first["attempt"]["answers"] == {"partner-schools": "a", "recruitment": True}
        again = ada.submit(SECTION, "attempt-one", {"recruitment": False})
        assert again["repeated"] is True and again["attempt"]["answers"]["recruitment"] is True
        ada.submit(SECTION, "attempt-two", fixed_right_answers())
        with pytest.raises(ServiceRefused, match="no attempts left: 2 of 2 used") as refused:
            ada.submit(SECTION, "attempt-three", fixed_right_answers())
        assert refused.value.status == 409 and refused.value.reason == "no_attempts"
        with pytest.raises(ServiceRefused, match="no attempts left"):
            ada.save(SECTION, {"partner-schools": "a"})
        state = ada.state(SECTION)
        assert (state["attempts_used"], state["attempts_left"]) == (2, 0)
    assert _count(postgres_db, learner=ADA) == 2


def test_close_and_time_limit_use_the_servers_clock(postgres_db, tmp_path):
    clock = Clock()
    source = quiz_source(tmp_path, time_limit=30, open="2026-12-01T08:00:00Z", close="2026-12-01T12:00:00Z")
    with running_service(postgres_db, source, service_tokens([ADA, BOB], trainer=TRAINER), clock) as url:
        ada, bob = service_client(url, ADA), service_client(url, BOB)
        started = ada.save(SECTION, {"partner-schools": "a"})["attempt"]
        assert started["started_at"] == "2026-12-01T09:00:00.000+00:00"
        assert started["deadline"] == "2026-12-01T09:30:00.000+00:00"
        clock.advance(31)
        with pytest.raises(ServiceRefused, match="time ran out at 2026-12-01 09:30 UTC") as late:
            ada.save(SECTION, {"recruitment": True})
        assert late.value.reason == "time_up"
        done = ada.submit(SECTION, "late-one", {"recruitment": True, "partner-schools": "b"})
        assert done["time_ran_out"] is True
        assert done["attempt"]["submitted_at"] == "2026-12-01T09:30:00.000+00:00" and done["attempt"]["auto_submitted"]
        assert done["attempt"]["answers"] == {"partner-schools": "a"}  # what was saved in time, nothing after
        clock.advance(3 * 60)  # 12:31, after close
        with pytest.raises(ServiceRefused, match="the quiz closed at 2026-12-01 12:00 UTC") as closed:
            bob.submit(SECTION, "after-close", fixed_right_answers())
        assert closed.value.reason == "closed"
    assert _count(postgres_db, learner=BOB) == 0


def test_before_open_nothing_starts(postgres_db, tmp_path):
    source = quiz_source(tmp_path, open="2026-12-02T08:00:00Z")
    with running_service(postgres_db, source, service_tokens([ADA], trainer=TRAINER), Clock()) as url, \
            pytest.raises(ServiceRefused, match="opens at 2026-12-02 08:00 UTC"):
        service_client(url, ADA).submit(SECTION, "early", {"partner-schools": "a"})


def test_a_learner_reaches_only_their_own_attempts_and_never_the_key(postgres_db, tmp_path):
    source = quiz_source(tmp_path, attempts=3, review={"during": [], "immediately": ["attempt", "correctness"],
                                                       "open": ["attempt"], "closed": ["attempt", "marks"]})
    with running_service(postgres_db, source, service_tokens([ADA, BOB], trainer=TRAINER), Clock()) as url:
        ada, bob, trainer = service_client(url, ADA), service_client(url, BOB), service_client(url, TRAINER)
        ada.submit(SECTION, "ada-1", fixed_right_answers())
        bob.submit(SECTION, "bob-1", {"partner-schools": "b"})
        assert {a["learner"] for a in ada.attempts()} == {ADA}
        with pytest.raises(ServiceRefused, match="your own attempts only") as refused:
            ada.attempts(learner=BOB)
        assert refused.value.status == 403
        assert {a["learner"] for a in trainer.attempts(section=SECTION)} == {ADA, BOB}
        assert [a["learner"] for a in trainer.attempts(learner=BOB)] == [BOB]
        with pytest.raises(ServiceRefused):
            QuizServiceClient(url, "not-a-token").attempts()
        # bob cannot submit as ada: every action is on the token's own learner
        bob.submit(SECTION, "ada-1", {"partner-schools": "c"})
        assert [a["answers"] for a in ada.attempts()] == [fixed_right_answers()]
        seen = json.dumps([ada.state(SECTION), ada.attempts(), bob.state(SECTION)])
        key = json.loads((source / SECTION / "quiz.json").read_text())
        assert "answer_digest" not in seen and "salt" not in seen and "right_answers\": [" not in seen
        assert key["settings"]["review"]["immediately"] == ["attempt", "correctness"]
        review = ada.state(SECTION)["attempts"][0]["review"]
        assert review["column"] == "immediately" and review["marks"] is None
        assert all(v["right"] for v in review["verdicts"])


def test_a_hub_login_that_is_not_a_plain_login_name_is_refused_and_records_nothing(postgres_db, tmp_path):
    from coursekit.service.app import Identity

    source = quiz_source(tmp_path, attempts=3)
    odd = ["<svg onload=alert(1)>", "Ana", "\uff41\uff4e\uff41", "\u0430na"]
    tokens = {**service_tokens([], trainer=TRAINER), **{f"tok-odd{i}": Identity(name) for i, name in enumerate(odd)}}
    with running_service(postgres_db, source, tokens, Clock()) as url:
        for i in range(len(odd)):
            with pytest.raises(ServiceRefused, match="ask your trainer") as refused:
                QuizServiceClient(url, f"tok-odd{i}").submit(SECTION, f"odd-{i}", fixed_right_answers())
            assert refused.value.status == 403
        assert service_client(url, TRAINER).attempts() == []
    assert _count(postgres_db) == 0


def test_sequential_navigation_is_kept_by_the_server(postgres_db, tmp_path):
    source = quiz_source(tmp_path, navigation="sequential")
    with running_service(postgres_db, source, service_tokens([ADA], trainer=TRAINER), Clock()) as url:
        ada = service_client(url, ADA)
        ada.save(SECTION, {"transition": "d"})  # question 4
        with pytest.raises(ServiceRefused, match="does not allow going back") as refused:
            ada.save(SECTION, {"partner-schools": "a"})
        assert refused.value.reason == "navigation"
        with pytest.raises(ServiceRefused, match="no question"):
            ada.save(SECTION, {"no-such-question": "a"})
        with pytest.raises(ServiceRefused, match="expected true or false"):
            ada.save(SECTION, {"competition": "maybe"})


def test_override_gives_one_learner_more_attempts_recorded_with_who(postgres_db, tmp_path):
    source = quiz_source(tmp_path, attempts=1)
    clock = Clock()
    with running_service(postgres_db, source, service_tokens([ADA, BOB], trainer=TRAINER), clock) as url:
        book = AttemptBook(make_engine(postgres_db), clock)
        recorded = book.set_override(Override(ADA, SECTION, attempts=2, set_by="tess"))
        assert (recorded.set_by, recorded.set_at) == ("tess", clock.now)
        ada, bob = service_client(url, ADA), service_client(url, BOB)
        ada.submit(SECTION, "a1", {})
        ada.submit(SECTION, "a2", {})
        bob.submit(SECTION, "b1", {})
        with pytest.raises(ServiceRefused, match="1 of 1 used"):
            bob.submit(SECTION, "b2", {})
        book.engine.dispose()


def test_fifty_learners_submit_at_once_each_recorded_once(postgres_db, tmp_path):
    source = quiz_source(tmp_path, attempts=1)
    names = [f"l{n:02d}" for n in range(50)]
    with running_service(postgres_db, source, service_tokens(names, trainer=TRAINER), Clock()) as url:
        def submit_twice(name):
            client = service_client(url, name)
            client.save(SECTION, {"partner-schools": "a"})
            outcomes = []
            for _ in range(2):  # the kernel resends: the second is the same attempt
                outcomes.append(client.submit(SECTION, f"{name}-attempt", fixed_right_answers()))
            return outcomes

        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(submit_twice, names))
        with ThreadPoolExecutor(max_workers=50) as pool:  # and all at once a second, refused attempt
            refused = list(pool.map(
                lambda n: _refused(lambda: service_client(url, n).submit(SECTION, f"{n}-2", {})), names))
    assert all(r[0]["repeated"] is False and r[1]["repeated"] is True for r in results)
    assert refused == ["no_attempts"] * 50
    assert _count(postgres_db) == 50
    assert all(_count(postgres_db, learner=n) == 1 for n in names[:5])


def _refused(call):
    try:
        call()
    except ServiceRefused as exc:
        return exc.reason
    return "accepted"


def test_one_learner_racing_with_itself_gets_exactly_its_attempts(postgres_db, tmp_path):
    source = quiz_source(tmp_path, attempts=3)
    with running_service(postgres_db, source, service_tokens([ADA], trainer=TRAINER), Clock()) as url:
        ada = service_client(url, ADA)
        ids = [f"race-{n % 5}" for n in range(40)]  # 5 distinct attempts, each sent 8 times at once
        with ThreadPoolExecutor(max_workers=40) as pool:
            outcomes = list(pool.map(lambda i: _refused(lambda: ada.submit(SECTION, i, {})), ids))
    assert _count(postgres_db, learner=ADA) == 3
    tally = collections.Counter(zip(ids, outcomes, strict=True))
    assert sorted(tally.values()) == [8] * 5, tally  # every id got one answer, however often it was sent
    assert outcomes.count("no_attempts") == 16, tally  # the two refused ids, eight times each
    engine = create_engine(postgres_db)
    with engine.connect() as conn:
        numbers = sorted(r[0] for r in conn.execute(select(ATTEMPT.c.number)))
    engine.dispose()
    assert numbers == [1, 2, 3]


def test_service_stopped_mid_quiz_loses_nothing_and_counts_nothing_twice(postgres_db, tmp_path):
    source = quiz_source(tmp_path, attempts=2)
    clock = Clock()
    tokens = service_tokens([ADA], trainer=TRAINER)
    with running_service(postgres_db, source, tokens, clock) as url:
        service_client(url, ADA).save(SECTION, {"partner-schools": "a", "recruitment": True})
        port = int(url.split(":")[2].split("/")[0])
    with pytest.raises(ServiceUnavailable):
        service_client(url, ADA).submit(SECTION, "after-restart", {"transition": "d"})
    with running_service(postgres_db, source, tokens, clock, port=port) as url:
        ada = service_client(url, ADA)
        state = ada.state(SECTION)
        assert state["attempts"][0]["answers"] == {"partner-schools": "a", "recruitment": True}
        done = ada.submit(SECTION, "after-restart", {"transition": "d"})
        assert done["attempt"]["answers"] == {"partner-schools": "a", "recruitment": True, "transition": "d"}
        assert ada.submit(SECTION, "after-restart", {"transition": "d"})["repeated"] is True
    assert _count(postgres_db, learner=ADA) == 1


def test_the_hubs_health_check_gets_an_answer_without_a_token_and_no_data(postgres_db, tmp_path):
    import urllib.request

    with running_service(postgres_db, quiz_source(tmp_path), service_tokens([ADA], trainer=TRAINER), Clock()) as url:
        for address in (url, url.rstrip("/")):  # JupyterHub checks the service's address every minute
            with urllib.request.urlopen(address, timeout=10) as reply:
                assert reply.status == 200
                assert json.loads(reply.read()) == {"service": "coursekit quiz", "status": "up"}
