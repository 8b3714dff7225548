"""Bulk SMS (issue 6): encoding and segments, phone numbers, send windows, templates, the
recipient funnel, gateways (HTTP API or outbox file) and the sender with its log. No Qt here.

The path of a send: :func:`recipients.plan_send` (who, what, when, how much) →
:func:`sender.create_batch` (every message written to the log with an idempotency key) →
:func:`sender.send_due` (handed to the gateway, statuses recorded, resumable after a crash).
"""
