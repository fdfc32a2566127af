package dkg

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/deposit"
	"github.com/stingerdvt/stinger/eth2/keystore"
	"github.com/stingerdvt/stinger/internal/atomicfile"
)

// Output file names in an operator's data directory.
const (
	KeysDirName         = "validator_keys"
	DepositDataFileName = "deposit-data.json"
)

// OutputOptions control how WriteOutputs writes the secret files.
type OutputOptions struct {
	// Rand is the source of passwords, salts and IVs (crypto/rand.Reader in production).
	Rand io.Reader
	// Keystore are extra keystore options, e.g. keystore.WithPBKDF2(c) for a
	// cheaper KDF on devnets. The default is the EIP-2335 scrypt parameters.
	Keystore []keystore.Option
}

// KeystorePath returns the path of validator i's share keystore in dataDir;
// its password is beside it with the extension .txt.
func KeystorePath(dataDir string, i int) string {
	return filepath.Join(dataDir, KeysDirName, fmt.Sprintf("keystore-%d.json", i))
}

// PasswordPath returns the password file of validator i's share keystore.
func PasswordPath(dataDir string, i int) string {
	return filepath.Join(dataDir, KeysDirName, fmt.Sprintf("keystore-%d.txt", i))
}

// WriteOutputs writes an operator's ceremony outputs into dataDir: the lock,
// one EIP-2335 keystore (mode 0600) and password file (mode 0600) per
// validator share, and the deposit data. It refuses to touch a directory that
// already holds a lock or keystores, so a second ceremony can never overwrite
// the keys of the first.
func WriteOutputs(dataDir string, lock *cluster.Lock, shares []*bls.SecretKey, opts OutputOptions) error {
	if opts.Rand == nil {
		return errors.New("write outputs: no randomness source")
	}
	if len(shares) != len(lock.Validators) {
		return fmt.Errorf("write outputs: %d shares for %d validators", len(shares), len(lock.Validators))
	}
	lockPath := filepath.Join(dataDir, cluster.LockFileName)
	for _, p := range []string{lockPath, filepath.Join(dataDir, KeysDirName)} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("write outputs: %s already exists: refusing to overwrite the outputs of an earlier ceremony", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("write outputs: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dataDir, KeysDirName), 0o700); err != nil {
		return fmt.Errorf("write outputs: %w", err)
	}
	if err := writeKeystores(dataDir, lock, shares, opts); err != nil {
		return err
	}
	var deposits []deposit.Data
	for _, v := range lock.Validators {
		deposits = append(deposits, v.DepositData...)
	}
	if err := deposit.WriteFile(filepath.Join(dataDir, DepositDataFileName), deposits, lock.Definition.DepositNetwork()); err != nil {
		return fmt.Errorf("write outputs: %w", err)
	}
	// The lock goes last: its presence means the outputs are complete.
	return lock.Save(lockPath)
}

// writeKeystores encrypts the shares in parallel (the KDF dominates) and
// writes keystore and password files.
func writeKeystores(dataDir string, lock *cluster.Lock, shares []*bls.SecretKey, opts OutputOptions) error {
	type job struct {
		i        int
		password string
		random   []byte
	}
	// Draw all randomness up front, in order, so a seeded reader gives
	// reproducible files whatever the scheduling.
	jobs := make([]job, len(shares))
	for i := range shares {
		pw := make([]byte, 32)
		rnd := make([]byte, 64) // salt 32, IV 16, UUID 16
		if _, err := io.ReadFull(opts.Rand, pw); err != nil {
			return fmt.Errorf("write outputs: password: %w", err)
		}
		if _, err := io.ReadFull(opts.Rand, rnd); err != nil {
			return fmt.Errorf("write outputs: keystore randomness: %w", err)
		}
		jobs[i] = job{i: i, password: hex.EncodeToString(pw), random: rnd}
	}
	work := make(chan job)
	errs := make([]error, len(shares))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				errs[j.i] = writeKeystore(dataDir, lock, shares[j.i], j.i, j.password, j.random, opts)
			}
		}()
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
	return errors.Join(errs...)
}

func writeKeystore(dataDir string, lock *cluster.Lock, share *bls.SecretKey, i int, password string, random []byte, opts OutputOptions) error {
	ksOpts := append([]keystore.Option{
		keystore.WithRandom(bytesReader(random)),
		keystore.WithDescription(fmt.Sprintf("stinger share of validator %s in cluster %q", lock.Validators[i].PublicKey, lock.Definition.Name)),
	}, opts.Keystore...)
	ks, err := keystore.Encrypt(share, password, ksOpts...)
	if err != nil {
		return fmt.Errorf("write outputs: keystore %d: %w", i, err)
	}
	if err := atomicfile.Write(PasswordPath(dataDir, i), []byte(password), 0o600); err != nil {
		return err
	}
	if err := keystore.WriteFile(KeystorePath(dataDir, i), ks); err != nil {
		return fmt.Errorf("write outputs: %w", err)
	}
	return nil
}

type byteReader struct{ b []byte }

func bytesReader(b []byte) io.Reader { return &byteReader{b: b} }

func (r *byteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// LoadShares reads and decrypts this operator's share keystores for a lock
// and checks each against the operator's public share in the lock.
func LoadShares(dataDir string, lock *cluster.Lock, operatorIndex int) ([]*bls.SecretKey, error) {
	shares := make([]*bls.SecretKey, len(lock.Validators))
	for i, v := range lock.Validators {
		ks, err := keystore.ReadFile(KeystorePath(dataDir, i))
		if err != nil {
			return nil, fmt.Errorf("load share %d: %w", i, err)
		}
		pw, err := os.ReadFile(PasswordPath(dataDir, i))
		if err != nil {
			return nil, fmt.Errorf("load share %d: %w", i, err)
		}
		sk, err := ks.Decrypt(string(pw))
		if err != nil {
			return nil, fmt.Errorf("load share %d: %w", i, err)
		}
		if got := "0x" + hex.EncodeToString(sk.PublicKey().Bytes()); got != v.PublicShares[operatorIndex] {
			return nil, fmt.Errorf("load share %d: keystore holds %s, the lock says operator %d's public share is %s", i, got, operatorIndex, v.PublicShares[operatorIndex])
		}
		shares[i] = sk
	}
	return shares, nil
}
