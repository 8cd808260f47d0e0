"""The quiz widget's link to the quiz service: send, queue what could not be sent, speak plainly.

The learner's ``responses/<section>.json`` stays the widget's own record, as
without the service: every answer and attempt is saved there first. The link
then sends it to the service:

* answers in progress are sent after each save (the service keeps them for its
  time limit and for grading);
* a submitted attempt is sent with its id (the attempt's ``id`` in the file);
  the service counts an id once, however often it arrives;
* attempts the service has not settled yet (not reachable, too slow) stay in
  the file and are sent again on the next action or when the quiz is shown;
  the ids the service accepted or refused are remembered in
  ``responses/.<section>.service.json`` so they are not sent for ever (the
  file is only a to-do list: the service's record is what counts);
* after a failure the link waits :data:`RETRY_AFTER_SECONDS` before trying
  again, so a quiz on a dead network stays quick.

Nothing here raises to the widget: every outcome is a sentence for the learner.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit.json_store import LockedJSONFile, StoreError, write_atomically
from coursekit.quiz.contract import service_sent_path
from coursekit.quiz.responses import AttemptRecord
from coursekit.service.client import QuizServiceClient, ServiceRefused, ServiceUnavailable

RETRY_AFTER_SECONDS = 30.0
SETTLED_MAX_BYTES = 1_000_000
"""The note of attempts the service confirmed is read only up to this size (one id per submitted attempt)."""
QUEUED = ("The quiz server cannot be reached just now; your answers are saved on this computer and will be "
          "sent when it is back.")


@dataclass
class LinkOutcome:
    """What one exchange with the service gave: a message for the learner and whether it is a warning."""

    message: str = ""
    warn: bool = False
    accepted: dict[str, Any] | None = None
    refused: str | None = None
    at: str | None = None
    """The time the message's ``{time}`` / ``{clock}`` stands for (written by the browser in local time)."""
    extra: list[str] = field(default_factory=list)


class ServiceLink:
    """One section's quiz talking to the quiz service."""

    def __init__(self, client: QuizServiceClient, section: str, folder: Path) -> None:
        self.client = client
        self.section = section
        self.settled_path = service_sent_path(folder, section)
        self._state: dict[str, Any] | None = None
        self._state_arrived = time.monotonic()
        self._down_until = 0.0

    @property
    def state(self) -> dict[str, Any] | None:
        """The service's last view of this learner's quiz (attempts, rules, ``server_time``), or None."""
        return self._state

    @state.setter
    def state(self, value: dict[str, Any] | None) -> None:
        self._state = value
        self._state_arrived = time.monotonic()

    @property
    def state_age(self) -> float:
        """Seconds since :attr:`state` arrived (monotonic clock: the server's time stays the only time)."""
        return time.monotonic() - self._state_arrived

    def draw_of(self, number: int) -> dict[str, Any] | None:
        """The questions the service drew for attempt ``number`` (its record, or ``next_draw``), else None."""
        state = self._state or {}
        attempts = state.get("attempts") or []
        for attempt in attempts:
            if isinstance(attempt, dict) and attempt.get("number") == number and isinstance(attempt.get("draw"), dict):
                return attempt["draw"]
        nxt = state.get("next_draw")
        return nxt if isinstance(nxt, dict) and number == len(attempts) + 1 else None

    def has_open_attempt(self) -> bool:
        """Whether the service's last state holds an open attempt."""
        return any(a.get("state") == "open" for a in (self._state or {}).get("attempts", []))

    # --- the to-do list -------------------------------------------------------------------------

    def _settled(self) -> dict[str, str]:
        try:
            data = LockedJSONFile(self.settled_path, SETTLED_MAX_BYTES).read()
            return {str(k): str(v) for k, v in data.get("settled", {}).items()} if isinstance(data, dict) else {}
        except (OSError, ValueError, AttributeError):
            return {}

    def _settle(self, attempt_id: str, how: str) -> None:
        settled = self._settled()
        settled[attempt_id] = how
        with contextlib.suppress(StoreError):  # else sent again next time: the service counts it once
            write_atomically(self.settled_path, json.dumps({"settled": settled}, indent=1) + "\n")

    def pending(self, attempts: list[AttemptRecord]) -> list[AttemptRecord]:
        """Submitted attempts of the file the service has not settled yet."""
        settled = self._settled()
        known = {a.get("attempt_id") for a in (self.state or {}).get("attempts", [])}
        return [a for a in attempts if a.id and a.id not in settled and a.id not in known]

    # --- talking --------------------------------------------------------------------------------

    @property
    def reachable(self) -> bool:
        """False for a while after the service could not be reached."""
        return time.monotonic() >= self._down_until

    def _down(self) -> LinkOutcome:
        self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
        return LinkOutcome(QUEUED, warn=True)

    def refresh(self) -> LinkOutcome:
        """Fetch the service's view of this learner's quiz (attempts, rules, server time)."""
        if not self.reachable:
            return LinkOutcome(QUEUED, warn=True)
        try:
            self.state = self.client.state(self.section)
        except ServiceUnavailable:
            return self._down()
        except ServiceRefused as exc:
            return LinkOutcome(f"The quiz server says: {exc}", warn=True, refused=exc.reason)
        return LinkOutcome()

    def start(self) -> LinkOutcome:
        """Start the learner's attempt on the service (its clock runs from now), then learn its deadline."""
        if not self.reachable:
            return LinkOutcome(QUEUED, warn=True)
        try:
            self.client.start(self.section)
        except ServiceUnavailable:
            return self._down()
        except ServiceRefused as exc:
            self.refresh()
            return LinkOutcome(f"The quiz server did not start the attempt: {exc}.", warn=True, refused=exc.reason)
        return self.refresh()

    def save(self, answers: dict[str, Any]) -> LinkOutcome:
        """Send the answers of the attempt in progress."""
        if not self.reachable:
            return LinkOutcome(QUEUED, warn=True)
        try:
            self.client.save(self.section, answers)
        except ServiceUnavailable:
            return self._down()
        except ServiceRefused as exc:
            self.refresh()
            return LinkOutcome(f"Not accepted by the quiz server: {exc}.", warn=True, refused=exc.reason)
        if not self.has_open_attempt():  # the first answer started the attempt: learn its deadline
            return self.refresh()
        return LinkOutcome()

    def submit(self, attempt: AttemptRecord) -> LinkOutcome:
        """Send one submitted attempt (by its id: sent twice, it counts once)."""
        if not self.reachable or not attempt.id:
            return LinkOutcome(QUEUED, warn=True)
        try:
            answer = self.client.submit(self.section, attempt.id, attempt.answers)
        except ServiceUnavailable:
            return self._down()
        except ServiceRefused as exc:
            self._settle(attempt.id, f"refused: {exc}")
            self.refresh()
            return LinkOutcome(f"The quiz server did not record this attempt: {exc}.", warn=True,
                               refused=exc.reason)
        self._settle(attempt.id, "recorded")
        self.state = answer.get("state", self.state)
        recorded = answer["attempt"]
        said = f"Attempt {recorded['number']} submitted and recorded by the quiz server at {{clock}}."
        if answer.get("time_ran_out"):
            said = (f"Time ran out at {{time}}: attempt {recorded['number']} was "
                    "submitted with the answers saved until then.")
        return LinkOutcome(said, warn=bool(answer.get("time_ran_out")), accepted=recorded,
                           at=recorded.get("submitted_at"))

    def flush(self, attempts: list[AttemptRecord], just_submitted: str | None = None) -> LinkOutcome:
        """Send every submitted attempt the service has not settled; the last outcome.

        ``just_submitted`` is the id of the attempt the learner submitted this moment: it is
        not one of those "kept on this computer" that the message counts.
        """
        outcome = LinkOutcome()
        sent = 0
        for attempt in self.pending(attempts):
            outcome = self.submit(attempt)
            if outcome.accepted is None and outcome.refused is None:
                return outcome  # still unreachable: the rest waits too
            sent += attempt.id != just_submitted
        if sent and outcome.accepted is not None:
            outcome.message = f"{sent} attempt(s) kept on this computer were sent to the quiz server. " + \
                outcome.message
        return outcome
