"""Question bank interchange: Moodle XML and GIFT, read and written through one neutral record."""
