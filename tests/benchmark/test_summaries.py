from benchmark.charts import PositionRow
from benchmark.summaries import position_summary, radar_summary


def _dim(label, score, median):
    return {"label": label, "score": score, "median": median}


def test_the_radar_in_one_sentence():
    dims = [_dim("Strategy", 71.6, 50), _dim("Organisation", 40.2, 45), _dim("Funding", 55, 60)]

    assert radar_summary(dims) == (
        "Your strongest dimension is Strategy (72 / 100) and your weakest is Organisation "
        "(40 / 100); you are above the peer median on 1 of 3 dimensions.")


def test_the_radar_without_peers():
    assert radar_summary([_dim("Strategy", 60, None), _dim("Funding", 20, None)]) == (
        "Your strongest dimension is Strategy (60 / 100) and your weakest is Funding (20 / 100).")


def test_the_position_in_one_sentence():
    rows = [PositionRow("all peers (n = 60)", 60, 30, 50, 70, 64.2),
            PositionRow("ICT (n = 12)", 12, 40, 61, 75, 41)]

    assert position_summary(58.4, rows) == (
        "Your index of 58 is above the median of 1 of the 2 peer groups shown; it is higher "
        "than about 64 % of the clusters in “all peers (n = 60)”.")
    assert position_summary(58.4, []) == ""
