"""pim-sim dashboard entry point: ``streamlit run app.py``."""

import streamlit as st

st.set_page_config(page_title="pim-sim", layout="wide")
st.title("pim-sim: Privileged Identity Management, simulated")
st.write("The dashboard pages are coming; the model is usable from Python today.")
