"""The explorer (``streamlit run app.py``): ``pages/`` one script per page, ``helpers`` their one helper module."""
