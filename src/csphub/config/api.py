"""The one API object, with every domain's routes (casework first; panels and case reviews
build on it)."""

from csphub.casereview.api import router as case_reviews
from csphub.casework.api import api
from csphub.panels.api import router as panels

api.add_router("/panels", panels)
api.add_router("/case-reviews", case_reviews)

__all__ = ["api"]
