"""Signed webhooks (Standard Webhooks): `emit` (called by the functions that write), the delivery
task, and the pages where people and program staff manage their endpoints."""
