"""The pages of the explorer app (run by app.py through st.navigation)."""
