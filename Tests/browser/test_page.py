#!/usr/bin/env python3
"""Browser test of the page at `/`: headless Chromium through Selenium.

Starts `autorec serve` on a tiny U-AutoRec model trained on generated data, then, as a new
visitor, searches titles and rates three movies, and checks that ten recommendations appear
(none of them a rated movie); clicks a recommendation for similar items; looks up a known user;
checks the phone width has no sideways scrolling. Saves a desktop screenshot (--screenshot) and a phone one (--phone-screenshot).

Usage: Tests/browser/test_page.py [--autorec .build/debug/autorec] [--screenshot docs/serve-page.png]
Needs: chromium and chromium-driver (Debian), selenium (PyPI).
"""
import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(autorec, work):
    data, model = f"{work}/ml", f"{work}/model"
    subprocess.run([sys.executable, f"{ROOT}/scripts/make-tiny-movielens.py", data, "--users", "200",
                    "--items", "120", "--per-user", "25"], check=True)
    subprocess.run([autorec, "train", "--data", data, "--model", "u-autorec", "--hidden-units", "16",
                    "--epochs", "30", "--patience", "0", "--save", model, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    port = free_port()
    log = open(f"{work}/server.log", "w")
    server = subprocess.Popen([autorec, "serve", "--model", model, "--port", str(port)], stderr=log)
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"autorec serve exited with {server.returncode}; see {work}/server.log")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("autorec serve did not answer")


def browser():
    options = webdriver.ChromeOptions()
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--window-size=1280,1000")
    if os.path.exists("/usr/bin/chromium"):
        options.binary_location = "/usr/bin/chromium"
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver") \
        if os.path.exists("/usr/bin/chromedriver") else webdriver.ChromeService()
    return webdriver.Chrome(options=options, service=service)


def rate_first(driver, wait, query, rating, skip=()):
    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys(query)
    driver.find_element(By.CSS_SELECTOR, "#search-form button").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results li.result"))
    for row in driver.find_elements(By.CSS_SELECTOR, "#search-results li.result"):
        item = row.find_element(By.CSS_SELECTOR, ".title a").get_attribute("data-item")
        if item not in skip:
            row.find_element(By.CSS_SELECTOR, f'button[data-rating="{rating}"]').click()
            return item
    raise AssertionError(f"no unrated result for {query!r}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--autorec", default=os.path.join(ROOT, ".build", "debug", "autorec"))
    p.add_argument("--screenshot", default=os.path.join(ROOT, "docs", "serve-page.png"))
    p.add_argument("--phone-screenshot", help="also save the phone-width page here")
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="autorec-browser-")
    server, port = start_server(a.autorec, work)
    driver = None
    try:
        driver = browser()
        wait = WebDriverWait(driver, 20)
        driver.get(f"http://127.0.0.1:{port}/")
        wait.until(lambda d: "U-AutoRec" in d.find_element(By.ID, "model").text)
        rated = []
        rated.append(rate_first(driver, wait, "crimson", 5, rated))
        rated.append(rate_first(driver, wait, "storm", 4, rated))
        rated.append(rate_first(driver, wait, "golden", 5, rated))
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#my-ratings li .title")) == 3)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#recommendations li.rec")) == 10)
        recs = [e.get_attribute("data-item") for e in driver.find_elements(By.CSS_SELECTOR, "#recommendations li.rec .title a")]
        assert len(recs) == 10 and not set(recs) & set(rated), f"recommendations {recs} vs rated {rated}"
        print(f"rated {rated}; top-10 {recs}")
        # Similar items of the first recommendation.
        driver.find_element(By.CSS_SELECTOR, "#recommendations li.rec .title a").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#similar-items li.rec")) == 10)
        assert "cosine" in driver.find_element(By.ID, "similar-note").text
        # A known user.
        driver.find_element(By.ID, "user-id").send_keys("1")
        driver.find_element(By.CSS_SELECTOR, "#user-form button").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#user-recommendations li.rec")) == 10)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#user-rated li .title")) > 0)
        driver.execute_script("window.scrollTo(0, 0)")
        os.makedirs(os.path.dirname(a.screenshot), exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(max(height + 140, 800), 2400))
        driver.save_screenshot(a.screenshot)
        # Phone width: one column, nothing wider than the screen.
        driver.set_window_size(390, 844)
        time.sleep(0.3)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at phone width"
        phone = a.phone_screenshot or os.path.join(work, "phone.png")
        driver.save_screenshot(phone)
        print(f"browser test passed; screenshot {a.screenshot}" + (f", phone {phone}" if a.phone_screenshot else ""))
    finally:
        if driver:
            driver.quit()
        server.terminate()
        server.wait()
        if not a.phone_screenshot:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
