"""The annual Strategic Assessment, generated from the warehouse.

``build_figures`` computes every figure (plain data, JSON-ready); ``render`` writes the HTML,
PDF, Word, Excel and ``figures.json`` files from them. Methods: ``docs/assessment-method.md``.
"""

from csphub.analytics.assessment.figures import AssessmentOptions, build_figures
from csphub.analytics.assessment.render import render_all

__all__ = ["AssessmentOptions", "build_figures", "render_all"]
