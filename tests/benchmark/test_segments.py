from benchmark.segments import ANY, parse_segment, segment_key


def test_segment_key_round_trip():
    key = segment_key(sector="ict", size="small")

    assert key == "sector=ict;governance=*;country=*;size=small"
    assert parse_segment(key) == {"sector": "ict", "governance": ANY, "country": ANY,
                                  "size": "small"}
