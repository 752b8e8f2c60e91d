"""Multi-agency ASB casework: cases, people, locations, incidents, tools and powers, referrals."""
