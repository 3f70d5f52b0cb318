// Command ceiling is the yardstick for the SendMessage load test: a bare
// net/http handler that answers every request with a canned SendMessage
// response and verifies nothing. No emulator can be faster than this on the
// same machine and load generator.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
)

const canned = `{"MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592","MessageId":"6f6a7a2c-2c87-4a5e-9d0a-6f5b1b1c7d2e"}`

func main() {
	listen := flag.String("listen", "127.0.0.1:4567", "address to serve on")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
		io.WriteString(w, canned)
	})
	log.Fatal(http.ListenAndServe(*listen, nil))
}
