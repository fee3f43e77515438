wrk.headers["Cookie"] = "sessionid=lqq03vdryo1z5zu9qzbt0yzd56qopv2k"
