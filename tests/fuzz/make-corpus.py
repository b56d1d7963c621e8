#!/usr/bin/env python3
"""Rebuilds the seed corpora of tests/fuzz/corpus/<target>/ from the repository's fixtures
(tests/fixtures, config/tariffs) and a few hand-written inputs. Run from anywhere; it replaces
the corpus folders. Seeds are named after their source so that a diff stays readable."""
import pathlib
import shutil

here = pathlib.Path(__file__).resolve().parent
root = here.parent.parent
corpus = here / "corpus"
fixtures = root / "tests" / "fixtures"


def write(target, name, data):
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


SHIPMENT = ('{"carrier":"colissimo","service":"home","reference":"order-1042",'
            '"from":{"name":"A","line1":"1 rue A","city":"Paris","postal_code":"75001","country":"FR"},'
            '"to":{"name":"B","line1":"2 rue B","city":"Lyon","postal_code":"69001","country":"FR",'
            '"phone":"+33612345678","email":"b@example.com"},'
            '"parcels":[{"weight_g":500,"dimensions_mm":{"length":300,"width":200,"height":100}}],'
            '"label":{"format":"pdf","size":"a6"}}')
SHIPMENT_POINT = ('{"carrier":"auto","selection":"cheapest","service":"pickup_point",'
                  '"pickup_point_id":"mondialrelay:FR:020230","direction":"return",'
                  '"from":{"name":"C","line1":"3 rue C","city":"Lille","postal_code":"59000","country":"FR"},'
                  '"to":{"name":"D","company":"Shop","line1":"4 rue D","line2":"Bat 2","city":"Nantes",'
                  '"postal_code":"44000","country":"FR"},"parcels":[{"weight_g":1200,"reference":"r1"},'
                  '{"weight_g":80}],"carrier_service":"24R"}')
SHIPMENT_BAD = ('{"carrier":"dhl","service":"teleport","colour":"red","from":{"country":"fr"},'
                '"to":{},"parcels":[{"weight_g":0,"dimensions_mm":{"length":-1}}],"label":{"format":"gif"}}')
RATES = ('{"from":{"country":"FR","postal_code":"75001"},"to":{"country":"FR","postal_code":"69001"},'
         '"parcels":[{"weight_g":1500}]}')
RATES_FULL = ('{"direction":"return","from":{"country":"FR","postal_code":"20000"},'
              '"to":{"country":"BE","postal_code":"1000","name":"x"},"parcels":[{"weight_g":2500,'
              '"dimensions_mm":{"length":600,"width":400,"height":400},"reference":"a"},{"weight_g":30000}],'
              '"service":"pickup_point","carriers":["colissimo","mondialrelay"],"date":"2026-07-01"}')
RATES_BAD = ('{"direction":"sideways","from":{"country":"FR","postal_code":"75001"},'
             '"to":{"country":"FR","postal_code":"69001","floor":3},"parcels":[],"date":"2026-13-01",'
             '"service":"teleport","carriers":[1,""]}')

for d in corpus.glob("*"):
    if d.is_dir():
        shutil.rmtree(d)

# ---- HTTP requests ----
crlf = lambda s: s.replace("\n", "\r\n")
write("fuzz_http_request", "get_healthz", crlf("GET /healthz HTTP/1.1\nHost: localhost\n\n"))
write("fuzz_http_request", "get_label_query",
      crlf("GET /v1/shipments/shp_0a1b2c3d4e5f6g7h/label?format=pdf&size=a6 HTTP/1.1\nHost: gw\n"
           "Authorization: Bearer pg_live_abc\nAccept: application/pdf\n\n"))
write("fuzz_http_request", "post_shipment",
      crlf("POST /v1/shipments HTTP/1.1\nHost: gw\nContent-Type: application/json\n"
           "Idempotency-Key: 7f1c\nX-Request-Id: req-1\nContent-Length: %d\n\n" % len(SHIPMENT)) + SHIPMENT)
write("fuzz_http_request", "post_rates_chunked",
      crlf("POST /v1/rates HTTP/1.1\nHost: gw\nContent-Type: application/json\nTransfer-Encoding: chunked\n\n")
      + "%x\r\n%s\r\n0\r\n\r\n" % (len(RATES), RATES))
write("fuzz_http_request", "cancel_percent_http10",
      crlf("POST /v1/shipments/shp%5F1%2Fx/cancel HTTP/1.0\nConnection: keep-alive\nContent-Length: 0\n\n"))
write("fuzz_http_request", "expect_continue_pipelined",
      crlf("POST /v1/tariffs/compare?target=colissimo&share=0.5 HTTP/1.1\nHost: gw\nExpect: 100-continue\n"
           "Content-Type: text/csv\nContent-Length: 12\n\ndate,weight\n"
           "GET /v1/tariffs HTTP/1.1\nHost: gw\n\n"))
write("fuzz_http_request", "wrong_method", crlf("DELETE /v1/shipments/shp_1 HTTP/1.1\nHost: gw\n\n"))

# ---- JSON bodies ----
write("fuzz_shipment_body", "home", SHIPMENT)
write("fuzz_shipment_body", "pickup_point_return", SHIPMENT_POINT)
write("fuzz_shipment_body", "invalid", SHIPMENT_BAD)
write("fuzz_shipment_body", "colissimo_request_dom", (fixtures / "colissimo/generate_label_request_dom.json").read_bytes())
write("fuzz_pickup_body", "inpost_window", '{"carrier":"inpost","date":"2026-12-03",'
      '"window":{"from":"10:00","to":"16:00"},"shipment_ids":["shp_0a1b2c3d4e5f6g7","shp_1a1b2c3d4e5f6g7"],'
      '"address":{"name":"Jan Kowalski","company":"Sklep","line1":"ul. Florianska 12","city":"Krakow",'
      '"postal_code":"31-021","country":"PL","phone":"+48 600 100 200","email":"magazyn@example.test"},'
      '"instructions":"Gate code 4711"}')
write("fuzz_pickup_body", "count_no_date", '{"carrier":"colissimo","parcel_count":3,'
      '"address":{"name":"Claire Martin","line1":"10 rue de Rivoli","city":"Paris","postal_code":"75001",'
      '"country":"FR","email":"ops@acme.test"}}')
write("fuzz_pickup_body", "invalid", '{"carrier":1,"date":"2026-02-30","window":{"from":"16:00","to":"10:00"},'
      '"shipment_ids":["shp_x","shp_x"],"parcel_count":0,"driver":"Jan"}')
write("fuzz_rates_body", "minimal", RATES)
write("fuzz_rates_body", "full", RATES_FULL)
write("fuzz_rates_body", "invalid", RATES_BAD)

# ---- carrier answers ----
boundary = "uuid:3f1c2a9e-5b7d-4e21-9a0c-6d8e2f4b1a77"
for f in sorted((fixtures / "colissimo").glob("generate_label_*")):
    if "request" in f.name:
        continue
    body = f.read_bytes()
    if f.suffix == ".multipart":
        first = body.split(b"\n", 1)[0].strip()
        b = first[2:].decode() if first.startswith(b"--") else boundary
        ok = "success" in f.name
        head = "%d\nmultipart/mixed; boundary=\"%s\"; type=\"application/json\"\n" % (200 if ok else 400, b)
    else:
        head = "400\napplication/json;charset=UTF-8\n"
    write("fuzz_colissimo_response", f.stem, head.encode() + body)
write("fuzz_colissimo_response", "throttled", b"429\ntext/plain\nslow down")

for f in sorted((fixtures / "mondialrelay").glob("*.xml")):
    if "request" in f.name:
        continue
    status = 500 if "fault" in f.name else 200
    write("fuzz_mondialrelay_response", f.stem, ("%d\n" % status).encode() + f.read_bytes())

# ---- tariffs ----
for f in sorted((root / "config" / "tariffs").glob("*.yaml")):
    write("fuzz_tariff_yaml", f.stem, f.read_bytes())

header = ("date,direction,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_mm,"
          "width_mm,height_mm,service")
write("fuzz_compare_csv", "basic", header + ",carrier,contract,billed_amount,currency\n"
      "2026-03-02,outbound,FR,75001,FR,69001,500,300,200,100,home,colissimo,colissimo-2026,6.90,EUR\n"
      "2026-03-02,return,fr,20000,FR,75011,31000,,,,pickup_point,,,-3.5,\n")
write("fuzz_compare_csv", "quoted_crlf",
      ("service,weight_g,height_mm,width_mm,length_mm,to_postal_code,to_country,from_postal_code,"
       "from_country,direction,date,notes\r\n"
       "express,1200,10,20,30,\"1000\",BE,\"75,001\",FR,outbound,2026-07-14,\"say \"\"hi\"\"\r\nthere\"\r\n"
       "\r\nhome,abc,1,2,3,1,BE,2,FR,outbound,2026-02-30,x\r\n"))
write("fuzz_compare_csv", "bad_rows", header + "\n2026-01-01,outbound,FR\n\"unterminated,\n")
