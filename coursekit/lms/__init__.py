"""LTI 1.3 Advantage: grades to the LMS (Assignment and Grade Services) and its membership into the roster (NRPS)."""
