"""coursekit: a Jupyter notebook course kit for vocational trainer education.

Learners take sections in JupyterLab, trainers release and grade them with
nbgrader, analysts read cohort dashboards. See the README for the workflow.
"""

__version__ = "0.1.0"
