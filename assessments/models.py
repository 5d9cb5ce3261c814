"""Self-assessments, quizzes, H5P activities and programme evaluation live here.

The app exists from the start so that session plans can point at assessments once they are
built; it has no models yet.
"""
