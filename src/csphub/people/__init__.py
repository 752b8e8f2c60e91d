"""Matching people across agencies: the review queue of likely duplicates, merge and un-merge."""
