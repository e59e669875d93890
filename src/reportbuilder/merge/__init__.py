"""Mail merge: one personalised PDF per requester, the body laid out once."""
