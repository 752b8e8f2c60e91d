"""ASB Case Review (the "Community Trigger"): Anti-social Behaviour, Crime and Policing Act
2014, s104.

``rules`` decides whether a person's complaints meet the partnership's published threshold;
``deadlines`` works out the service-standard dates in working days. Both are plain Python:
no Django, no database.
"""
