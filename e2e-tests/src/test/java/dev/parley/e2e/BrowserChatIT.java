package dev.parley.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.SameSiteAttribute;

import dev.parley.e2e.Parley.Account;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The web client in a real browser (Debian's headless Chromium, driven by Playwright) against the
 * real stack through the gateway: alice on a desktop, bob on a 360 px phone, each in a browser
 * context of their own. The steps build on each other, in order. Any console error or uncaught
 * exception in either page fails the step it happened in; only while chat-service is stopped on
 * purpose are the browser's own reports of the refused requests expected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserChatIT {

    private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");

    private Parley parley;
    private Playwright playwright;
    private Browser browser;
    private BrowserContext aliceContext;
    private BrowserContext bobContext;
    private Page alice;
    private Page bob;
    private final BrowserConsole console = new BrowserConsole();

    @BeforeAll
    void startTheStackAndTheBrowser() throws Exception {
        Path chromium = Path.of(System.getProperty("parley.chromium", "/usr/bin/chromium"));
        assertTrue(Files.isExecutable(chromium), "The browser tests need Chromium at " + chromium
                + " (apt-get install chromium; .ci/run installs it), or -Dparley.chromium=/path/to/chromium");
        parley = Parley.start("browser", 600, 1, null);
        // the browser is the system's: Playwright must neither download nor look for its own
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(chromium)
                .setHeadless(true)
                .setChromiumSandbox(false)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run",
                        // only this machine: no look-ups of Chromium's own
                        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost")));
        PlaywrightAssertions.setDefaultAssertionTimeout(10_000);
        aliceContext = browser.newContext(new Browser.NewContextOptions()
                .setBaseURL(parley.stack.gatewayUrl()).setViewportSize(1200, 760));
        bobContext = browser.newContext(new Browser.NewContextOptions()
                .setBaseURL(parley.stack.gatewayUrl()).setViewportSize(360, 740).setIsMobile(true).setHasTouch(true)
                .setDeviceScaleFactor(2));
        alice = console.watch(aliceContext.newPage(), "alice");
        bob = console.watch(bobContext.newPage(), "bob");
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void nothingWentWrongInTheConsole() {
        console.assertClean();
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (playwright != null) {
            playwright.close(); // closes the browser and its contexts too
        }
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    @Order(1)
    void bothSignUp() {
        signUp(alice, "alice");
        signUp(bob, "bob");
        assertThat(alice.locator("#chat-list + .empty")).isVisible();
        screenshot(alice, "01-alice-signed-up");
    }

    @Test
    @Order(2)
    void aliceFindsBobAndTheyChat() {
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("New chat")).click();
        alice.getByLabel("Find people by username").fill("bo");
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Chat with bob")).click();
        assertThat(alice.locator("#conversation-title")).hasText("bob");
        assertThat(alice.locator("#conversation-subtitle")).hasText("online");

        send(alice, "Hi Bob");
        send(alice, "Are you there?");
        Locator aliceSent = alice.locator(".msg.mine");
        assertThat(aliceSent).hasCount(2);
        assertThat(aliceSent.last().locator(".delivery")).hasText("Sent");

        // bob's list: alice's chat, newest message, her presence, two unread
        Locator bobsChat = chatItem(bob, "alice");
        assertThat(bobsChat.locator(".chat-preview")).hasText("Are you there?");
        assertThat(bobsChat.locator(".badge")).hasText("2 unread");
        assertThat(bobsChat.locator(".dot")).hasAttribute("data-status", "online");
        screenshot(bob, "02-bob-phone-chat-list");

        bobsChat.click();
        assertThat(bob.locator(".msg.theirs .text")).hasText(new String[] {"Hi Bob", "Are you there?"});
        assertThat(aliceSent.last().locator(".delivery")).hasText("Read"); // bob's receipt

        Locator bobComposer = composer(bob);
        bobComposer.pressSequentially("On my way");
        assertThat(alice.locator(".typing")).hasText("bob is typing…");
        bobComposer.press("Shift+Enter");
        bobComposer.pressSequentially("see you soon");
        bobComposer.press("Enter");
        assertThat(bobComposer).hasValue("");
        Locator reply = alice.locator(".msg.theirs .text").last();
        assertThat(reply).hasText("On my way see you soon"); // whitespace-normalized; the line break itself:
        assertEquals("On my way\nsee you soon", reply.textContent());
        assertThat(alice.locator(".typing")).hasText("");
        assertThat(bob.locator(".msg.mine .delivery").last()).hasText("Read"); // alice has the chat open
        screenshot(bob, "03-bob-phone-conversation");

        bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Back to chats")).click();
        assertThat(bobsChat.locator(".badge")).hasCount(0);
        assertThat(bobsChat.locator(".chat-preview")).hasText("You: On my way");
        screenshot(alice, "04-alice-conversation");
    }

    @Test
    @Order(3)
    void messageTextIsAlwaysShownAsText() {
        String markup = "<img src=x onerror=alert(1)>";
        send(alice, markup);
        chatItem(bob, "alice").click();
        assertThat(bob.locator(".msg.theirs .text").last()).hasText(markup);
        assertThat(alice.locator(".msg.mine .text").last()).hasText(markup);
        assertThat(bob.locator(".message-list img")).hasCount(0);
        assertThat(alice.locator(".message-list img")).hasCount(0);
    }

    @Test
    @Order(4)
    void ownMessagesCanBeEditedAndDeleted() {
        Locator first = alice.locator(".msg.mine").first();
        first.hover();
        first.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit message")).click();
        Locator editor = first.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("Edit message"));
        assertThat(editor).hasValue("Hi Bob");
        editor.fill("Hi Bob!");
        editor.press("Enter");
        assertThat(first.locator(".text")).hasText("Hi Bob!");
        Locator edited = bob.locator(".msg.theirs").first();
        assertThat(edited.locator(".text")).hasText("Hi Bob!");
        assertThat(edited.locator(".edited")).isVisible();

        Locator second = alice.locator(".msg.mine").nth(1);
        second.hover();
        second.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete message")).click();
        second.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete").setExact(true)).click();
        assertThat(second.locator(".text")).hasText("Message deleted");
        assertThat(bob.locator(".msg.theirs").nth(1).locator(".text")).hasText("Message deleted");
    }

    @Test
    @Order(5)
    void aGroupWithANameAndMembersAndAStatusForEveryoneToSee() {
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("New chat")).click();
        alice.getByLabel("Find people by username").fill("b");
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add bob to the group")).click();
        alice.getByLabel("Group name").fill("Weekend plans");
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create group")).click();
        assertThat(alice.locator("#conversation-title")).hasText("Weekend plans");
        assertThat(alice.locator("#conversation-subtitle")).hasText("2 members: bob, You");
        send(alice, "Saturday?");

        bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Back to chats")).click();
        Locator group = chatItem(bob, "Weekend plans");
        assertThat(group.locator(".chat-preview")).hasText("Saturday?");
        group.click();
        assertThat(bob.locator(".msg.theirs .author")).hasText("alice");

        bob.getByLabel("My status").selectOption("away");
        chatItem(alice, "bob").click();
        assertThat(alice.locator("#conversation-subtitle")).hasText("away");
        bob.getByLabel("My status").selectOption("online");
        assertThat(alice.locator("#conversation-subtitle")).hasText("online");
        bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Back to chats")).click();
        chatItem(bob, "alice").click();
    }

    @Test
    @Order(6)
    void aReloadKeepsTheSessionWhoseRefreshTokenNoScriptCanRead() {
        Cookie before = refreshCookie();
        assertTrue(before.httpOnly, "httpOnly");
        assertTrue(before.secure, "Secure (Chromium keeps it on http://localhost, a secure context)");
        assertEquals(SameSiteAttribute.STRICT, before.sameSite);
        assertEquals("/auth", before.path);

        alice.reload();
        assertThat(alice.locator(".me-name")).hasText("alice");
        assertThat(chatItem(alice, "bob")).isVisible();
        assertNotEquals(before.value, refreshCookie().value, "every refresh rotates the token");

        String visibleToScripts = (String) alice.evaluate(
                "() => document.cookie + JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})");
        assertFalse(visibleToScripts.contains(refreshCookie().value), "the refresh token is out of any script's reach");
        assertFalse(visibleToScripts.contains("eyJ"), "no access token in storage either");
    }

    @Test
    @Order(7)
    void whileChatServiceIsDownTheBannerShowsAndAMessageWrittenMeanwhileArrivesOnce() throws Exception {
        chatItem(alice, "bob").click();
        assertThat(bob.locator("#conversation-title")).hasText("alice");
        String text = "Written while chat was down";

        console.expectRefusedRequests(true);
        parley.stack.stop("chat-service");
        assertThat(alice.locator(".banner")).containsText("Reconnecting");
        assertThat(bob.locator(".banner")).containsText("Reconnecting");

        send(alice, text);
        Locator waiting = alice.locator(".msg.mine", new Page.LocatorOptions().setHasText(text));
        assertThat(waiting.locator(".delivery")).hasText("Waiting for connection");
        assertThat(alice.locator(".banner")).containsText("One message waits to be sent");
        screenshot(alice, "05-alice-reconnecting");

        parley.stack.restart("chat-service");
        LocatorAssertions.IsHiddenOptions reconnect = new LocatorAssertions.IsHiddenOptions().setTimeout(30_000);
        assertThat(alice.locator(".banner")).isHidden(reconnect);
        assertThat(bob.locator(".banner")).isHidden(reconnect);
        console.expectRefusedRequests(false);

        assertThat(waiting.locator(".delivery")).hasText(Pattern.compile("^(Sent|Read)$"));
        assertThat(bob.locator(".msg.theirs", new Page.LocatorOptions().setHasText(text))).hasCount(1);
        assertThat(waiting.locator(".delivery")).hasText("Read");

        // and the server stored it exactly once
        Account bobByApi = parley.login("bob");
        String chatId = parley.as(bobByApi).get("/chat").then().statusCode(200).extract()
                .path("chats.find { it.type == 'direct' }.id");
        JsonPath history = parley.as(bobByApi).queryParam("limit", 100).get("/chat/" + chatId)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1, history.getList("messages.content").stream().filter(text::equals).count());
    }

    @Test
    @Order(8)
    void signingOutEndsTheSessionAndItsRefreshTokenStopsWorking() {
        String refreshToken = refreshCookie().value;
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
        assertThat(alice.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sign in to Parley"))).isVisible();
        assertTrue(aliceContext.cookies().stream().noneMatch(c -> c.name.equals("parley_refresh")), "cookie cleared");
        parley.api().contentType(ContentType.JSON).body(Map.of("refreshToken", refreshToken))
                .post("/auth/refresh").then().statusCode(401);

        alice.reload();
        assertThat(alice.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sign in to Parley"))).isVisible();
        screenshot(alice, "06-alice-signed-out");
    }

    @Test
    @Order(9)
    void signingInAgainOlderMessagesLoadOnScrollUpWithoutGapsOrRepeats() {
        // written while alice was away: she meets them through history paging, 30 at a time
        Account carol = parley.register("carol");
        Account aliceByApi = parley.login("alice");
        String chat = parley.directChat(carol, aliceByApi);
        List<String> written = new ArrayList<>();
        for (int i = 1; i <= 75; i++) {
            String text = String.format("note %02d", i);
            written.add(text);
            parley.as(carol).contentType(ContentType.JSON)
                    .body(Map.of("chatId", chat, "content", text, "clientMessageId", "note-" + i))
                    .post("/chat/message").then().statusCode(201);
        }

        alice.getByLabel("Username or email").fill("alice@example.com");
        alice.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(Parley.PASSWORD);
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        Locator carolsChat = chatItem(alice, carol.username());
        assertThat(carolsChat.locator(".badge")).hasText("75 unread");
        carolsChat.click();

        Locator notes = alice.locator(".msg.theirs .text");
        assertThat(notes).hasCount(30);
        assertThat(notes.last()).hasText("note 75");
        Locator history = alice.locator(".messages");
        history.evaluate("el => el.scrollTop = 0");
        assertThat(notes).hasCount(60);
        history.evaluate("el => el.scrollTop = 0");
        assertThat(notes).hasCount(75);
        assertThat(alice.getByText("This is the start of the conversation.")).isVisible();
        assertEquals(written, notes.allTextContents(), "every message once, oldest first");
        assertThat(carolsChat.locator(".badge")).hasCount(0);
    }

    @Test
    @Order(10)
    void whenTheWebSocketCannotConnectMessagesGoOverRest() {
        // something between the browser and the gateway refuses WebSockets (a proxy, a firewall)
        aliceContext.routeWebSocket(Pattern.compile(".*/ws(\\?.*)?$"), socket -> socket.close(
                new WebSocketRoute.CloseOptions().setCode(1011).setReason("refused")));
        alice.reload();
        assertThat(alice.locator(".banner")).containsText("Reconnecting");
        chatItem(alice, "bob").click();
        send(alice, "Sent over REST");
        Locator sent = alice.locator(".msg.mine", new Page.LocatorOptions().setHasText("Sent over REST"));
        assertThat(sent.locator(".delivery")).hasText(Pattern.compile("^(Sent|Read)$"));
        // bob's socket is fine: the REST send reaches him live like any other
        assertThat(bob.locator(".msg.theirs", new Page.LocatorOptions().setHasText("Sent over REST"))).hasCount(1);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void signUp(Page page, String name) {
        page.navigate("/");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create an account")).click();
        page.getByLabel("Username", new Page.GetByLabelOptions().setExact(true)).fill(name);
        page.getByLabel("Email", new Page.GetByLabelOptions().setExact(true)).fill(name + "@example.com");
        page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(Parley.PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Chats"))).isVisible();
        assertThat(page.locator(".me-name")).hasText(name);
    }

    private static Locator composer(Page page) {
        return page.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("Message").setExact(true));
    }

    private static void send(Page page, String text) {
        Locator composer = composer(page);
        composer.fill(text);
        composer.press("Enter");
        assertThat(composer).hasValue("");
    }

    private static Locator chatItem(Page page, String name) {
        return page.locator("#chat-list .chat-item", new Page.LocatorOptions().setHas(
                page.locator(".chat-name", new Page.LocatorOptions().setHasText(Pattern.compile("^" + name + "\\b")))));
    }

    private Cookie refreshCookie() {
        return aliceContext.cookies().stream().filter(c -> c.name.equals("parley_refresh")).findFirst()
                .orElseThrow(() -> new AssertionError("no refresh cookie"));
    }

    private static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")));
    }
}
