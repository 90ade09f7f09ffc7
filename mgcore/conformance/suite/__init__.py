"""The storage layer of the conformance suite: tests of the engine contract, run against one
engine per pytest run (``pytest -p mgcore.conformance.plugin --pyargs mgcore.conformance.suite
--mg-engine NAME``). Each module covers one promise of ``mgcore.storage.protocol`` and gates its
tests with ``@pytest.mark.requires(...)`` on the capabilities they need."""
