"""The local stack: Kafka (KRaft) and Elasticsearch fetched with Maven, run as processes."""

from deploy.local.errors import StackError
from deploy.local.stack import ComponentStatus, Stack

__all__ = ["ComponentStatus", "Stack", "StackError"]
