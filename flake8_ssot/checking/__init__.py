"""The rule protocol, below the rules and the resolution they use.

* :mod:`~flake8_ssot.checking.rule`: what a rule declares (its codes, node types, prefilter words);
* :mod:`~flake8_ssot.checking.context`: the per-file context a rule reads;
* :mod:`~flake8_ssot.checking.words`: the text prefilter (what a file must contain for a rule);
* :mod:`~flake8_ssot.checking.collect`: the node collectors that fill a context.

Nothing here knows a particular rule, resolution, or who orchestrates the checks.
"""
