"""Build, release, grade and validate the labs, on top of nbgrader."""
