"""Transcriptions of the stride problem into an NLP; one module per scheme (the problem and the
model do not change when the scheme does)."""
