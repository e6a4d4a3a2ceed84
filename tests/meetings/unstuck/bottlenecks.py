"""Bottlenecks the stuck tests write: three wordings of one problem, and another problem."""

EVAL_1 = "Evaluating the reward model fails on the cluster: jobs run out of memory."
EVAL_2 = "The reward model evaluation keeps running out of memory on the cluster."
EVAL_3 = "Still can't evaluate the reward model, cluster jobs die out of memory."
OTHER = "I need to decide which paper venue to submit to."
