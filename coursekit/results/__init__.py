"""Results: what is computed and written from the gradebook's grades.

Statuses, the cohort report, LMS exports, the review page, copied responses
and the follow-up list. Read-only: nothing here grades.
"""
