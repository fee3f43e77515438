wrk.headers["Cookie"] = "sessionid=lxakh7mqteg4dva638zygbh8ell6f6xw"
