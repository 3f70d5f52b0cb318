// Command kmsload measures KMS GenerateDataKey and Decrypt through the real
// SDK: concurrent clients for a fixed time each, operations per second.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func main() {
	endpoint := flag.String("endpoint", "http://127.0.0.1:4566", "ferry's endpoint")
	clients := flag.Int("clients", 16, "concurrent clients")
	window := flag.Duration("duration", 5*time.Second, "how long each operation runs")
	flag.Parse()
	ctx := context.Background()
	c := kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: endpoint,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	key, err := c.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		log.Fatal(err)
	}
	dk, err := c.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: key.KeyMetadata.KeyId, KeySpec: types.DataKeySpecAes256})
	if err != nil {
		log.Fatal(err)
	}
	run := func(name string, op func() error) {
		var n atomic.Int64
		var wg sync.WaitGroup
		stop := time.Now().Add(*window)
		for range *clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					if err := op(); err != nil {
						log.Fatalf("%s: %v", name, err)
					}
					n.Add(1)
				}
			}()
		}
		wg.Wait()
		fmt.Printf("%-16s %8.0f ops/s (%d clients)\n", name, float64(n.Load())/window.Seconds(), *clients)
	}
	run("GenerateDataKey", func() error {
		_, err := c.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: key.KeyMetadata.KeyId, KeySpec: types.DataKeySpecAes256,
			EncryptionContext: map[string]string{"purpose": "load"}})
		return err
	})
	run("Decrypt", func() error {
		_, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob})
		return err
	})
}
