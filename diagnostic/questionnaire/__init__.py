"""The questionnaire's content lives in versioned JSON files next to this module, loaded
into the database by migrations (see load.py)."""
