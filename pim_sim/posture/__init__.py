"""posture"""
