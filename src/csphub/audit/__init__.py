"""Who looked at or changed what, and when. Every read of a case or person writes an entry."""
