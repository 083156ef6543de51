"""The Streamlit dashboard's pages and their shared helpers. Pages hold no domain logic: they
turn widgets into a scenario or an action, call :mod:`pim_sim`, and draw what comes back."""
